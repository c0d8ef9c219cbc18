"""The daily partitions and their translation into dbt's environment: small pure functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import dagster as dg

from orchestration.lib.layout import CALENDAR_START

DAILY_PARTITIONS = dg.DailyPartitionsDefinition(start_date=CALENDAR_START, timezone="UTC")


def days_in_window(window: dg.TimeWindow) -> list[dt.date]:
    """The UTC days a partition time window covers (its end is exclusive)."""
    first = window.start.date()
    count = (window.end.date() - first).days
    return [first + dt.timedelta(days=offset) for offset in range(count)]


# The environment variables the dbt macros `partition_start_date`/`partition_end_date` read.
START_DATE_ENV = "OBSERVATORY_START_DATE"
END_DATE_ENV = "OBSERVATORY_END_DATE"

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


def days_to_dbt_env(first: dt.date, last: dt.date) -> dict[str, str]:
    """The environment that tells incremental models which days a run covers (both ends
    inclusive). Environment, not `--vars`: dbt re-parses the whole project when its vars
    change, but only the files that read an environment variable when that one changes."""
    return {START_DATE_ENV: first.isoformat(), END_DATE_ENV: last.isoformat()}
