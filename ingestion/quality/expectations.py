"""Great Expectations, run the cheap way: one ephemeral context per process, pandas batches.

GX 1.x validates neither Polars nor DuckDB correctly, so a Polars frame is handed over as
pandas: only the columns the suite reads (`pandas_batch`). The context keeps everything in
memory: no project folder, no data docs, no analytics, no progress bars. Building it costs a
few milliseconds; importing GX costs about 2 s once; a snapshot of ~400 rows validates in ~50 ms,
a day of the whole Hub (2,000,000 models) in about 2 s (bench/validate_day.py).

At that scale what costs is GX's own plumbing, not the rules (BENCHMARKS.md, "Validation at
scale"), so a validation fetches its batch once (`Batch.validate` fetched it twice), GX does not
fingerprint it (an MD5 over every row, only to label the batch) and GX reports unexpected rows
by position: we look their ids up in the Polars frame, where GX built a dict per row (185 s for a
day whose 2,000,000 rows all failed a warning).

A suite is declared in code (`Suite`): each expectation carries the stable rule name it is
reported under, the field it is about and whether it blocks, so a GX result becomes a
`RuleResult` that names the field and carries sample ids.

A GX validation costs about 0.45 s whatever the rows (it builds its metric graph per call), so a
run over many days validates them together (`prime`): the row-wise rules (values not null, in a
range, matching a pattern...) run once over all the days stacked, and their unexpected rows are
split back by day. The rules that judge a day as a whole run once too, as row-wise rules: unique
ids as unique (day, id) pairs of the stack, a row count as a range over a frame of the days' row
counts. `validate` then hands each day exactly the results a validation of that day alone gives
(tested), without paying the per-call cost for every day (17 ms a day for those two rules).
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa

from ingestion.quality.results import SAMPLE_SIZE, RuleResult

if TYPE_CHECKING:  # GX takes seconds to import: only code that validates loads it
    import great_expectations as gx
    import pandas as pd
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
        from great_expectations.execution_engine import pandas_execution_engine

        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(),
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False),
            data_docs_sites={},
        )
        # GX fingerprints a pandas batch below this many bytes (hashing every row: 0.5 s of CPU
        # and 300 MB for a day of the Hub) only to label it; nothing here reads the label.
        pandas_execution_engine.HASH_THRESHOLD = 0
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

    def _run(self, frame: pl.DataFrame, suite: Suite, rules: Sequence[Rule]) -> list[Any]:
        """GX's results on `frame` (the suite's columns only); unexpected rows as positions."""
        # The validator `Batch.validate` builds, without fetching (converting) the batch again.
        from great_expectations.validator.v1_validator import Validator

        validator = Validator(
            batch_definition=self._batches,
            batch_parameters={"dataframe": pandas_batch(frame)},
            result_format={"result_format": "COMPLETE"},
        )
        results = list(validator.validate_expectation_suite(self._gx_suite(suite, rules)).results)
        # Pandas' Arrow buffers come from pyarrow's pool, which keeps what GX freed (600 MB
        # after a day of the Hub) for reuse: hand it back before the run goes on to dbt.
        pa.default_memory_pool().release_unused()
        return results

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
        selected = frame.select(suite.columns)
        ids = selected[suite.id_column]
        order = {rule.name: n for n, rule in enumerate(suite.rules)}
        return sorted(
            (
                _rule_result(by_name[r.expectation_config.meta["rule"]], r, frame.height, ids)
                for r in self._run(selected, suite, rules)
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
        heights = [frame.height for frame in frames]
        stacked = pl.concat(
            [
                f.select(suite.columns).with_columns(pl.lit(n).alias(DAY))
                for n, f in enumerate(frames)
            ],
            how="vertical_relaxed",
        )
        on_stack = [r for r in map(_on_stack, suite.rules) if r is not None]
        on_counts = [r for r in map(_on_row_counts, suite.rules) if r is not None]
        by_stack = self._split(stacked, suite, on_stack, heights)
        by_counts = self._split(_row_counts(heights), suite, on_counts, [1] * len(frames))
        if by_stack is None or by_counts is None:
            return  # let each day meet the error on its own
        batched = {rule.name for rule in (*on_stack, *on_counts)}
        alone = [rule for rule in suite.rules if rule.name not in batched]
        order = [rule.name for rule in suite.rules]
        for n, frame in enumerate(frames):
            counted = {name: _row_count_result(r, frame.height) for name, r in by_counts[n].items()}
            alone_results = (
                {r.rule: r for r in self._validate_alone(frame, suite, alone)} if alone else {}
            )
            results = {**by_stack[n], **counted, **alone_results}
            self._primed[(suite.name, id(frame))] = (frame, [results[name] for name in order])

    def _split(
        self, frame: pl.DataFrame, suite: Suite, rules: Sequence[Rule], heights: Sequence[int]
    ) -> list[dict[str, RuleResult]] | None:
        """Row-wise `rules` run once on `frame`, whose first `heights[0]` rows are day 0's, the
        next `heights[1]` day 1's...; their unexpected rows split back by day. None if GX
        raised on one."""
        split: list[dict[str, RuleResult]] = [{} for _ in heights]
        if not rules:
            return split
        starts = [0, *itertools.accumulate(heights)]
        ids = frame[suite.id_column] if suite.id_column in frame.columns else None
        by_name = {rule.name: rule for rule in rules}
        # Its own GX suite: the same rule names stand for other expectations here.
        days = Suite(f"{suite.name}/days:{','.join(frame.columns)}", suite.id_column, tuple(rules))
        for result in self._run(frame, days, rules):
            rule = by_name[result.expectation_config.meta["rule"]]
            if _exception_message(result.exception_info or {}) is not None:
                return None
            rows = (result.result or {}).get("unexpected_index_list") or []
            for n, height in enumerate(heights):
                day = rows[
                    bisect.bisect_left(rows, starts[n]) : bisect.bisect_left(rows, starts[n + 1])
                ]
                split[n][rule.name] = RuleResult(
                    rule=rule.name,
                    passed=not day,
                    blocking=rule.blocking,
                    field=rule.field,
                    unexpected_count=len(day),
                    element_count=height,
                    sample_ids=_sample_ids(ids, day) if ids is not None else (),
                    observed="",
                )
        return split


# The day of each stacked row (its frame's position), for the rules that judge a day whole.
DAY = "__day"
# The one column of `_row_counts`: a day's row count, one row a day.
ROWS = "__rows"


def _on_stack(rule: Rule) -> Rule | None:
    """The rule as a row-wise rule on the stacked days: itself if it is row-wise; unique values
    as unique (day, value) pairs (rows without a value are skipped, as alone); else None."""
    import great_expectations.expectations as gxe

    expectation = rule.expectation
    if _splits_by_row(expectation):
        return rule
    if isinstance(expectation, gxe.ExpectColumnValuesToBeUnique) and _plain(expectation):
        pairs = gxe.ExpectCompoundColumnsToBeUnique(
            column_list=[DAY, expectation.column], ignore_row_if="any_value_is_missing"
        )
        return Rule(rule.name, pairs, rule.field, rule.blocking)
    return None


def _on_row_counts(rule: Rule) -> Rule | None:
    """A row count's range as a range over the days' row counts (`_row_counts`), else None."""
    import great_expectations.expectations as gxe

    expectation = rule.expectation
    if not isinstance(expectation, gxe.ExpectTableRowCountToBeBetween) or expectation.row_condition:
        return None
    counts = gxe.ExpectColumnValuesToBeBetween(
        column=ROWS,
        min_value=expectation.min_value,
        max_value=expectation.max_value,
        strict_min=expectation.strict_min,
        strict_max=expectation.strict_max,
    )
    return Rule(rule.name, counts, rule.field, rule.blocking)


def _plain(expectation: Expectation) -> bool:
    return getattr(expectation, "mostly", None) in (None, 1) and not expectation.row_condition


def _row_counts(heights: Sequence[int]) -> pl.DataFrame:
    return pl.DataFrame({ROWS: list(heights)}, schema={ROWS: pl.Int64})


def _row_count_result(on_counts: RuleResult, rows: int) -> RuleResult:
    """A row count's verdict (its day's row of `_row_counts`) as a validation of the day alone
    reports it."""
    return replace(
        on_counts,
        unexpected_count=0,
        element_count=rows,
        sample_ids=(),
        observed=f"observed {rows}",
    )


# Every character Python's `\s` matches, as literal characters: pandas runs a pattern holding
# `\s` through Python's `re`, one value at a time (3 s for the ids of a day of the Hub), and any
# other through pyarrow's RE2 (0.4 s), whose own `\s` misses some of these.
SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def pandas_batch(frame: pl.DataFrame) -> pd.DataFrame:
    """The frame as GX reads it fastest: text as Arrow-backed strings (no Python object per
    value), numbers and timestamps as NumPy arrays, because GX's vectorised paths test for
    NumPy dtypes: on Arrow-backed numbers and timestamps it compares value by value in Python
    (a day of the Hub: 13 s of CPU instead of 2 s)."""
    return frame.to_pandas(types_mapper=_arrow_strings)


def _arrow_strings(dtype: pa.DataType) -> pd.StringDtype | None:
    import pandas as pd  # with the validation, not when the definitions load

    text = pa.types.is_string(dtype) or pa.types.is_large_string(dtype)
    return pd.StringDtype("pyarrow") if text or pa.types.is_string_view(dtype) else None


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


def _rule_result(rule: Rule, result: Any, rows: int, ids: pl.Series) -> RuleResult:
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
        sample_ids=_sample_ids(ids, details.get("unexpected_index_list") or []),
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


def _sample_ids(ids: pl.Series, rows: Sequence[int]) -> tuple[str, ...]:
    """The first `SAMPLE_SIZE` distinct ids of the unexpected rows (positions), in row order:
    looked up among the first rows, then among all of them if those repeat a few ids."""
    found = ids.clear()
    for limit in (SAMPLE_SIZE * 20, len(rows)):
        found = ids.gather(pl.Series(rows[:limit], dtype=pl.Int64)).drop_nulls()
        found = found.unique(maintain_order=True).head(SAMPLE_SIZE)
        if found.len() == SAMPLE_SIZE or limit >= len(rows):
            break
    return tuple(str(i) for i in found.to_list())
