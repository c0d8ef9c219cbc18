"""The baseline a new day is compared with: the last accepted days, not the previous one alone.

Comparing each day only with the previous accepted one lets one wrong day poison every day after
it (issue 26: a day with ten times the models was accepted, then every genuine day after it
was quarantined as `row_count_collapsed`). So:

- a day's row count is compared with the median of the last `HISTORY_DAYS` accepted days: more
  than `MAX_ROW_GROWTH` times it is refused (`row_count_jumped`), unless the new level has held
  on the days refused just before it (a real change of what is tracked, `HELD_DAYS` in a row);
- when a day fails only the rules that compare it with the previous accepted day
  (`COMPARISON_RULES`) but passes them against a witness before it (the accepted day before
  the previous one, or a day refused just before for disagreeing with the same previous day),
  the previous day is the suspect: `orchestration.defs.quality.ingest`'s judge moves it out of the raw
  layer as an eviction is, with the reason, and accepts the new day in the same run.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from ingestion.quality.counters import COUNTERS_WENT_DOWN_AT_ONCE, ROW_COUNT_COLLAPSED
from ingestion.quality.results import RuleResult, Verdict
from ingestion.raw_store import RawStore

ROW_COUNT_JUMPED = "row_count_jumped"
COMPARISON_RULES = frozenset({COUNTERS_WENT_DOWN_AT_ONCE, ROW_COUNT_COLLAPSED, ROW_COUNT_JUMPED})
HISTORY_DAYS = 7
MIN_HISTORY = 3  # fewer accepted days than this: no median to trust yet
# The tracked orgs grow by a few percent a month, and by steps when the developer registry
# grows (the real recordings doubled from 200 to 416 models on 2026-06-15: genuine). Five times
# the median is no registry change but clones or another source's rows; a smaller jump that is
# wrong is moved out by the day after it (the suspect rule). A new level that holds for
# `HELD_DAYS` days in a row is accepted, and the median starts again from it.
MAX_ROW_GROWTH = 5.0
HELD_DAYS = 3
SAME_LEVEL = 0.2  # row counts within 20% of each other are one level


@dataclass(frozen=True)
class Accepted:
    day: dt.date
    frame: pl.DataFrame  # the compared columns only


@dataclass
class Baseline:
    """The last accepted days of a dataset: two frames and `HISTORY_DAYS` row counts."""

    recent: deque[Accepted] = field(default_factory=lambda: deque(maxlen=2))
    rows: deque[int] = field(default_factory=lambda: deque(maxlen=HISTORY_DAYS))
    jumped: list[int] = field(default_factory=list)  # counts of the days just refused as jumps

    @classmethod
    def from_store(cls, store: RawStore, before: dt.date, columns: list[str]) -> Baseline:
        baseline = cls()
        days = [day for day in store.days() if day < before][-HISTORY_DAYS:]
        for day in days:
            newest = store.fetches(day)[-1]
            baseline.rows.append(pl.scan_parquet(newest).select(pl.len()).collect().item())
        for day in days[-2:]:
            frame = pl.read_parquet(store.fetches(day)[-1], columns=columns)
            baseline.recent.append(Accepted(day, frame))
        return baseline

    @property
    def previous(self) -> Accepted | None:
        return self.recent[-1] if self.recent else None

    @property
    def witness(self) -> Accepted | None:
        return self.recent[-2] if len(self.recent) > 1 else None

    def accept(self, day: dt.date, frame: pl.DataFrame) -> None:
        self.recent.append(Accepted(day, frame))
        if len(self.rows) >= MIN_HISTORY and frame.height > MAX_ROW_GROWTH * statistics.median(
            self.rows
        ):  # a new level that held: the days of that level are the history now
            self.rows.clear()
            self.rows.extend(self.jumped)
        self.rows.append(frame.height)
        self.jumped.clear()

    def drop_previous(self) -> Accepted:
        self.rows.pop()
        return self.recent.pop()


def row_count_jump(rows: int, history: Sequence[int], held: Sequence[int]) -> RuleResult:
    """Blocking when `rows` is more than MAX_ROW_GROWTH times the median of `history` (the
    last accepted days), unless the days refused just before (`held`) were at the same level
    for HELD_DAYS days in all."""
    if len(history) < MIN_HISTORY:
        return RuleResult(ROW_COUNT_JUMPED, passed=True, blocking=True, field="rows")
    median = statistics.median(history)
    jumped = rows > MAX_ROW_GROWTH * median
    same = [count for count in held if abs(count - rows) <= SAME_LEVEL * rows]
    level_held = jumped and len(held) >= HELD_DAYS - 1 and len(same) == len(held)
    observed = (
        f"{rows} rows against a median of {median:g} over the last {len(history)} accepted days "
        f"(the ceiling is {MAX_ROW_GROWTH:g} times)"
    )
    if level_held:
        observed += f"; accepted: the new level held for {len(held) + 1} days"
    return RuleResult(
        ROW_COUNT_JUMPED,
        passed=not jumped or level_held,
        blocking=True,
        field="rows",
        unexpected_count=rows if jumped and not level_held else 0,
        element_count=rows,
        observed=observed,
    )


def only_comparisons_failed(verdict: Verdict) -> bool:
    """Whether the day fails nothing but the rules that compare it with the previous day."""
    failures = verdict.blocking_failures
    return bool(failures) and all(f.rule in COMPARISON_RULES for f in failures)


def jumped_only(verdict: Verdict) -> bool:
    return [f.rule for f in verdict.blocking_failures] == [ROW_COUNT_JUMPED]
