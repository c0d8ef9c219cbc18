"""Great Expectations, run the cheap way: one ephemeral context per process, pandas batches.

GX 1.x validates neither Polars nor DuckDB correctly, so a Polars frame is handed over as
pandas (only the columns the suite reads, through pyarrow). The context keeps everything in
memory: no project folder, no data docs, no analytics, no progress bars. Building it costs a
few milliseconds; importing GX costs about 2 s once; a snapshot of ~400 rows validates in ~50 ms.

A suite is declared in code (`Suite`): each expectation carries the stable rule name it is
reported under, the field it is about and whether it blocks, so a GX result becomes a
`RuleResult` that names the field and carries sample ids.

A GX validation costs about 0.45 s whatever the rows (it builds its metric graph per call), so a
run over many days validates them together (`prime`): the row-wise rules (values not null, in a
range, matching a pattern...) run once over all the days stacked, and their unexpected rows are
split back by day; the rules that judge a table as a whole (its row count, unique ids) still run
day by day, on their own. `validate` then hands each day exactly the results a validation of
that day alone gives (tested), without paying the per-call cost for every day.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from ingestion.quality.results import SAMPLE_SIZE, RuleResult

if TYPE_CHECKING:  # GX takes seconds to import: only code that validates loads it
    import great_expectations as gx
    from great_expectations.core.batch_definition import BatchDefinition
    from great_expectations.expectations import Expectation


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
        import great_expectations as gx
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(),
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False),
            data_docs_sites={},
        )
        self._gx = gx
        self._context = gx.get_context(mode="ephemeral", project_config=config)
        asset = self._context.data_sources.add_pandas("snapshots").add_dataframe_asset("frame")
        self._batches: BatchDefinition = asset.add_batch_definition_whole_dataframe("whole")
        self._suites: dict[str, gx.ExpectationSuite] = {}
        # Results computed ahead by `prime`, by suite and frame; taken once by `validate`.
        self._primed: dict[tuple[str, int], tuple[pl.DataFrame, list[RuleResult]]] = {}

    def _gx_suite(self, suite: Suite, rules: Sequence[Rule] | None = None) -> gx.ExpectationSuite:
        chosen = tuple(suite.rules if rules is None else rules)
        name = f"{suite.name}:{'+'.join(rule.name for rule in chosen)}"
        if name not in self._suites:
            expectations = []
            for rule in chosen:
                # The rule name travels in `meta`: GX does not keep the suite's order.
                rule.expectation.meta = {**(rule.expectation.meta or {}), "rule": rule.name}
                expectations.append(rule.expectation)
            self._suites[name] = self._context.suites.add(
                self._gx.ExpectationSuite(name=name, expectations=expectations)
            )
        return self._suites[name]

    def _run(
        self, frame: pl.DataFrame, suite: Suite, rules: Sequence[Rule], index: list[str]
    ) -> list[Any]:
        batch = self._batches.get_batch(batch_parameters={"dataframe": frame.to_pandas()})
        outcome = batch.validate(
            self._gx_suite(suite, rules),
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": index,
                "partial_unexpected_count": SAMPLE_SIZE,
            },
        )
        return list(outcome.results)

    def validate(self, frame: pl.DataFrame, suite: Suite) -> list[RuleResult]:
        missing = [c for c in suite.columns if c not in frame.columns]
        if missing:
            raise ValueError(f"suite {suite.name} reads columns the frame lacks: {missing}")
        primed = self._primed.pop((suite.name, id(frame)), None)
        if primed is not None and primed[0] is frame:
            return primed[1]
        return self._validate_alone(frame, suite, suite.rules)

    def _validate_alone(
        self, frame: pl.DataFrame, suite: Suite, rules: Sequence[Rule]
    ) -> list[RuleResult]:
        by_name = {rule.name: rule for rule in rules}
        results = self._run(frame.select(suite.columns), suite, rules, [suite.id_column])
        order = {rule.name: n for n, rule in enumerate(suite.rules)}
        return sorted(
            (
                _rule_result(by_name[r.expectation_config.meta["rule"]], r, frame.height, suite)
                for r in results
            ),
            key=lambda result: order[result.rule],  # the suite's order, not GX's
        )

    def prime(self, frames: Sequence[pl.DataFrame], suite: Suite) -> None:
        """Validate several frames (the days of a run) at once, for `validate` to hand out.

        Frames that lack a column of the suite are left to `validate`, which refuses them as
        before; so is everything when GX cannot evaluate a rule on the stack."""
        frames = [f for f in frames if all(c in f.columns for c in suite.columns)]
        if len(frames) < 2:
            return
        row_wise = [r for r in suite.rules if _splits_by_row(r.expectation)]
        whole = [r for r in suite.rules if not _splits_by_row(r.expectation)]
        stacked = pl.concat(
            [
                f.select(suite.columns).with_columns(pl.lit(n, dtype=pl.UInt32).alias(PART))
                for n, f in enumerate(frames)
            ],
            how="vertical_relaxed",
        )
        split: list[dict[str, RuleResult]] = [{} for _ in frames]
        by_name = {rule.name: rule for rule in row_wise}
        for result in self._run(stacked, suite, row_wise, [suite.id_column, PART]):
            rule = by_name[result.expectation_config.meta["rule"]]
            if _exception_message(result.exception_info or {}) is not None:
                return  # let each day meet the error on its own
            unexpected: dict[int, list[Any]] = defaultdict(list)
            for row in (result.result or {}).get("unexpected_index_list") or []:
                unexpected[int(row[PART])].append(row)
            for n, frame in enumerate(frames):
                rows = unexpected.get(n, [])
                split[n][rule.name] = RuleResult(
                    rule=rule.name,
                    passed=not rows,
                    blocking=rule.blocking,
                    field=rule.field,
                    unexpected_count=len(rows),
                    element_count=frame.height,
                    sample_ids=_sample_ids(rows, suite.id_column),
                    observed="",
                )
        order = [rule.name for rule in suite.rules]
        for n, frame in enumerate(frames):
            results = {**split[n], **{r.rule: r for r in self._validate_alone(frame, suite, whole)}}
            self._primed[(suite.name, id(frame))] = (frame, [results[name] for name in order])


PART = "__part"


def _splits_by_row(expectation: Expectation) -> bool:
    """A rule whose verdict on stacked days is the union of its verdicts on each day: a
    row-wise rule, judging each row on its own (uniqueness judges rows against each other)."""
    from great_expectations.expectations import ExpectColumnValuesToBeUnique
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
    )

    row_wise = isinstance(expectation, ColumnMapExpectation | ColumnPairMapExpectation)
    return row_wise and not isinstance(expectation, ExpectColumnValuesToBeUnique)


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
