"""The daily partitions and their translation into dbt's environment: small pure functions."""

from __future__ import annotations

import datetime as dt

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


def partition_window_to_dbt_env(window: dg.TimeWindow) -> dict[str, str]:
    """The environment that tells incremental models which days a run covers (both ends
    inclusive). Environment, not `--vars`: dbt re-parses the whole project when its vars
    change, but only the files that read an environment variable when that one changes."""
    days = days_in_window(window)
    return {START_DATE_ENV: days[0].isoformat(), END_DATE_ENV: days[-1].isoformat()}
