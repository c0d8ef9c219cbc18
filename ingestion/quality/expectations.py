"""Great Expectations, run the cheap way: one ephemeral context per process, pandas batches.

GX 1.x validates neither Polars nor DuckDB correctly, so a Polars frame is handed over as
pandas (only the columns the suite reads, through pyarrow). The context keeps everything in
memory: no project folder, no data docs, no analytics, no progress bars. Building it costs a
few milliseconds; importing GX costs about 2 s once; a snapshot of ~400 rows validates in ~50 ms.

A suite is declared in code (`Suite`): each expectation carries the stable rule name it is
reported under, the field it is about and whether it blocks, so a GX result becomes a
`RuleResult` that names the field and carries sample ids.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import great_expectations as gx
import polars as pl
from great_expectations.core.batch_definition import BatchDefinition
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.expectations import Expectation

from ingestion.quality.results import SAMPLE_SIZE, RuleResult


@dataclass(frozen=True)
class Rule:
    name: str
    expectation: Expectation
    field: str | None
    blocking: bool = True


@dataclass(frozen=True)
class Suite:
    """The expectations one kind of snapshot must meet on its own, and its key column."""

    name: str
    id_column: str
    rules: tuple[Rule, ...]

    @property
    def columns(self) -> list[str]:
        names = [self.id_column]
        for rule in self.rules:
            for attribute in ("column", "column_A", "column_B"):
                value = getattr(rule.expectation, attribute, None)
                if isinstance(value, str) and value not in names:
                    names.append(value)
        return names


class SuiteValidator:
    """Validates Polars frames against suites with one in-memory GX context."""

    def __init__(self) -> None:
        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(),
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False),
            data_docs_sites={},
        )
        self._context = gx.get_context(mode="ephemeral", project_config=config)
        asset = self._context.data_sources.add_pandas("snapshots").add_dataframe_asset("frame")
        self._batches: BatchDefinition = asset.add_batch_definition_whole_dataframe("whole")
        self._suites: dict[str, gx.ExpectationSuite] = {}

    def _gx_suite(self, suite: Suite) -> gx.ExpectationSuite:
        if suite.name not in self._suites:
            expectations = []
            for rule in suite.rules:
                # The rule name travels in `meta`: GX does not keep the suite's order.
                rule.expectation.meta = {**(rule.expectation.meta or {}), "rule": rule.name}
                expectations.append(rule.expectation)
            self._suites[suite.name] = self._context.suites.add(
                gx.ExpectationSuite(name=suite.name, expectations=expectations)
            )
        return self._suites[suite.name]

    def validate(self, frame: pl.DataFrame, suite: Suite) -> list[RuleResult]:
        missing = [c for c in suite.columns if c not in frame.columns]
        if missing:
            raise ValueError(f"suite {suite.name} reads columns the frame lacks: {missing}")
        batch = self._batches.get_batch(
            batch_parameters={"dataframe": frame.select(suite.columns).to_pandas()}
        )
        outcome = batch.validate(
            self._gx_suite(suite),
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": [suite.id_column],
                "partial_unexpected_count": SAMPLE_SIZE,
            },
        )
        rules = {rule.name: rule for rule in suite.rules}
        return [
            _rule_result(rules[result.expectation_config.meta["rule"]], result, frame.height, suite)
            for result in outcome.results
        ]


@functools.cache
def shared_validator() -> SuiteValidator:
    """The process's validator, built on first use (never at import)."""
    return SuiteValidator()


def _rule_result(rule: Rule, result: Any, rows: int, suite: Suite) -> RuleResult:
    details: dict[str, Any] = result.result or {}
    message = _exception_message(result.exception_info or {})
    if message is not None:
        return RuleResult(
            rule.name, False, rule.blocking, rule.field, 0, rows, (), f"GX error: {message}"
        )
    observed = details.get("observed_value")
    return RuleResult(
        rule=rule.name,
        passed=bool(result.success),
        blocking=rule.blocking,
        field=rule.field,
        unexpected_count=int(details.get("unexpected_count") or 0),
        element_count=int(details.get("element_count") or rows),
        sample_ids=_sample_ids(details.get("unexpected_index_list") or [], suite.id_column),
        observed="" if observed is None else f"observed {observed}",
    )


def _exception_message(info: dict[str, Any]) -> str | None:
    """GX 1.x reports a failed metric as {metric id: {raised_exception, exception_message}};
    older shapes put those keys at the top. The first line of the first message, or None."""
    candidates = [info, *(v for v in info.values() if isinstance(v, dict))]
    for candidate in candidates:
        if candidate.get("raised_exception"):
            lines = str(candidate.get("exception_message") or "").splitlines()
            return lines[0] if lines else "unknown error"
    return None


def _sample_ids(rows: Sequence[Any], id_column: str) -> tuple[str, ...]:
    samples: list[str] = []
    for row in rows:
        value = row.get(id_column) if isinstance(row, dict) else None
        if value is not None and str(value) not in samples:
            samples.append(str(value))
        if len(samples) == SAMPLE_SIZE:
            break
    return tuple(samples)
