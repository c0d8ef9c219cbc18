"""The daily partitions and their translation into dbt's environment: small pure functions.

The asset decorators name `DAILY_PARTITIONS`, every day a snapshot could describe, so an asset
materializes on its own (`dg.materialize(..., partition_key=...)`) for any day. The definitions
`dagster dev` and `observatory run` load narrow it to the days that exist (`data_partitions`):
from the first day some daily source has a file for, or the raw layer holds, to the last, with
the days no source has a file for left out. Dagster marks every partition of a run's range as
materialized (it cannot be told per day), so a day without any file must not be a partition at
all: otherwise a run over it would report it materialized, and the UI would list hundreds of
days before the data starts as "missing".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import dagster as dg

# The Hub's migration date: no model, and so no snapshot, is older.
EARLIEST_DAY = "2022-03-02"

DAILY_PARTITIONS = dg.DailyPartitionsDefinition(start_date=EARLIEST_DAY, timezone="UTC")


def data_partitions(
    days: Iterable[dt.date], *, live: bool, today: dt.date
) -> dg.DailyPartitionsDefinition:
    """The partitions of the days that exist.

    Recorded: from the first of `days` to the last, without the days in between that are not in
    `days` (no source has a file for them). No day at all (the demo before its first run): no
    partition. Live: from the first of `days` (or yesterday, the first day live mode can
    fetch) on, open-ended, every day: the schedule adds one a day, and a day it could not fetch
    is missing, as it should show."""
    known = set(days)
    if live:
        first = min(known | {today - dt.timedelta(days=1)})
        return dg.DailyPartitionsDefinition(start_date=first.isoformat(), timezone="UTC")
    if not known:
        return dg.DailyPartitionsDefinition(
            start_date=today.isoformat(), end_date=today.isoformat(), timezone="UTC"
        )
    first, last = min(known), max(known)
    between = (first + dt.timedelta(days=n) for n in range((last - first).days))
    return dg.DailyPartitionsDefinition(
        start_date=first.isoformat(),
        end_date=(last + dt.timedelta(days=1)).isoformat(),
        timezone="UTC",
        # Dagster's last partition is the last day that has ended; a file dated later (a
        # wrong date, or today's) must still be a partition, so the gate can refuse it.
        end_offset=max(0, (last - today).days + 1),
        exclusions=[_midnight(day) for day in between if day not in known] or None,
    )


def partition_days(
    partitions: dg.PartitionsDefinition, today: dt.date | None = None
) -> list[dt.date]:
    """The days of a daily partitions definition, in order, as of `today` (UTC; the clock's
    day when None): an open-ended (live) definition's last day is the one before it."""
    current = None if today is None else _midnight(today)
    return [dt.date.fromisoformat(key) for key in partitions.get_partition_keys(current)]


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def days_in_window(window: dg.TimeWindow) -> list[dt.date]:
    """The UTC days a partition time window covers (its end is exclusive)."""
    first = window.start.date()
    count = (window.end.date() - first).days
    return [first + dt.timedelta(days=offset) for offset in range(count)]


# The tags Dagster puts on a run of one partition, and on a single-run range of them.
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def run_days(tags: Mapping[str, str]) -> tuple[dt.date, dt.date] | None:
    """The first and last day a run covers, from its tags: one partition (a scheduled run), a
    range (a backfill, `observatory run`), or None for a run that names no day (an
    unpartitioned asset materialized on its own)."""
    if RANGE_START_TAG in tags and RANGE_END_TAG in tags:
        first, last = tags[RANGE_START_TAG], tags[RANGE_END_TAG]
    elif PARTITION_TAG in tags:
        first = last = tags[PARTITION_TAG]
    else:
        return None
    return dt.date.fromisoformat(first), dt.date.fromisoformat(last)
