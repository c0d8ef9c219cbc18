"""The daily partitions and their translation into dbt vars: small pure functions."""

from __future__ import annotations

import datetime as dt

import dagster as dg

# The DeepSeek R1 month: the history this project is about. Recorded data starts later; days
# without a snapshot are gaps, not errors.
PARTITIONS_START = "2025-01-01"

DAILY_PARTITIONS = dg.DailyPartitionsDefinition(start_date=PARTITIONS_START, timezone="UTC")


def days_in_window(window: dg.TimeWindow) -> list[dt.date]:
    """The UTC days a partition time window covers (its end is exclusive)."""
    first = window.start.date()
    count = (window.end.date() - first).days
    return [first + dt.timedelta(days=offset) for offset in range(count)]


def partition_window_to_dbt_vars(window: dg.TimeWindow) -> dict[str, str]:
    """The dbt vars that tell incremental models which days a run covers (both ends inclusive)."""
    days = days_in_window(window)
    return {"start_date": days[0].isoformat(), "end_date": days[-1].isoformat()}
