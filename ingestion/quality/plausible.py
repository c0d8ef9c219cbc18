"""Whether a snapshot can be of the day it claims: rules a misdated copy cannot pass.

A copy of a real day saved under another date looks like a good snapshot to every rule of its
own (issue 26 stored a Hub file dated 1999-06-01 and then quarantined every genuine day after
it). Two facts of the day itself refuse it before it can become the baseline:

- the source did not exist before its first day (`FIRST_DAYS`): no Hub snapshot before the
  Hub's migration, no OpenRouter price list before 2023, no usage ranking before 2025;
- nothing in a snapshot was created after the day it is of (one day of slack: a snapshot of a
  day is taken at or shortly after its end).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from ingestion.quality.results import SAMPLE_SIZE, RuleResult

DAY_AFTER_SOURCE_START = "day_after_source_start"
CREATED_BY_SNAPSHOT_DAY = "created_by_snapshot_day"
# The first day each source can have a snapshot of (API_NOTES.md): the Hub's migration date,
# the year OpenRouter's price list started, the start of the rankings' history.
FIRST_DAYS = {
    "hub": dt.date(2022, 3, 2),
    "openrouter": dt.date(2023, 1, 1),
    "openrouter_rankings": dt.date(2025, 1, 1),
}
SLACK = dt.timedelta(days=1)


def day_after_source_start(day: dt.date, source: str) -> RuleResult:
    """Blocking: the day is not before the source's first possible day."""
    first = FIRST_DAYS[source]
    early = day < first
    return RuleResult(
        DAY_AFTER_SOURCE_START,
        passed=not early,
        blocking=True,
        field="snapshot_date",
        unexpected_count=int(early),
        sample_ids=(day.isoformat(),) if early else (),
        observed=f"snapshot of {day}; {source} has no snapshot before {first}",
    )


def created_by_snapshot_day(
    frame: pl.DataFrame, day: dt.date, *, column: str, id_column: str
) -> RuleResult:
    """Blocking: no row was created after the end of the snapshot's day (plus `SLACK`)."""
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC) + SLACK
    later = (
        frame.select(id_column, column).filter(pl.col(column) >= end).sort(column, descending=True)
    )
    newest = later[column][0] if later.height else None
    return RuleResult(
        CREATED_BY_SNAPSHOT_DAY,
        passed=later.height == 0,
        blocking=True,
        field=column,
        unexpected_count=later.height,
        element_count=frame.height,
        sample_ids=tuple(str(i) for i in later[id_column].head(SAMPLE_SIZE).to_list()),
        observed=f"{later.height} rows created after the snapshot's day {day} "
        f"(the newest {newest}): the file is not of the day it is named for"
        if later.height
        else f"every row created by the end of {day}",
    )
