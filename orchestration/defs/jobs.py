"""The daily job and its schedule."""

from __future__ import annotations

import dagster as dg

from orchestration.lib.partitions import DAILY_PARTITIONS

DAILY_JOB_NAME = "daily_observatory_job"

daily_job = dg.define_asset_job(
    DAILY_JOB_NAME,
    selection=dg.AssetSelection.all(),
    partitions_def=DAILY_PARTITIONS,
    description=(
        "Ingests the Hub snapshot of each partition day and builds and tests every dbt model. "
        "A range of days runs as one run with one dbt build."
    ),
)


def daily_schedule(running: bool) -> dg.ScheduleDefinition:
    """At 00:30 UTC, the day that just ended: its counters are final by then."""
    return dg.build_schedule_from_partitioned_job(
        daily_job,
        hour_of_day=0,
        minute_of_hour=30,
        default_status=dg.DefaultScheduleStatus.RUNNING
        if running
        else dg.DefaultScheduleStatus.STOPPED,
    )
