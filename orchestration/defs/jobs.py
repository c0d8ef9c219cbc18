"""The daily job and its schedule."""

from __future__ import annotations

import dagster as dg

from orchestration.lib.layout import Dataset

DAILY_JOB_NAME = "daily_observatory_job"
RANKINGS_KEY = dg.AssetKey(Dataset.OPENROUTER_RANKINGS.asset_path)
RANKINGS_LEFT_OUT = (
    "OpenRouter's usage rankings are left out of this job: live mode needs OPENROUTER_API_KEY "
    "in the environment. The usage marts keep the days already stored."
)


def daily_job(
    partitions: dg.PartitionsDefinition, *, with_rankings: bool = True
) -> dg.UnresolvedAssetJobDefinition:
    """Every asset, one run per range of days (`partitions`: the days that exist). Without an
    OpenRouter key (live mode) the rankings asset is left out rather than failed, so the rest
    of the day still builds: a skipped upstream step would skip the whole dbt build that
    depends on it."""
    selection = dg.AssetSelection.all()
    description = (
        "Ingests the Hub snapshot, the OpenRouter prices and usage rankings of each partition "
        "day and builds and tests every dbt model. A range of days runs as one run with one "
        "dbt build."
    )
    if not with_rankings:
        selection = selection - dg.AssetSelection.assets(RANKINGS_KEY)
        description += " " + RANKINGS_LEFT_OUT
    return dg.define_asset_job(
        DAILY_JOB_NAME,
        selection=selection,
        partitions_def=partitions,
        description=description,
    )


def daily_schedule(job: dg.UnresolvedAssetJobDefinition, running: bool) -> dg.ScheduleDefinition:
    """At 00:30 UTC, the day that just ended: its counters are final by then."""
    return dg.build_schedule_from_partitioned_job(
        job,
        hour_of_day=0,
        minute_of_hour=30,
        default_status=dg.DefaultScheduleStatus.RUNNING
        if running
        else dg.DefaultScheduleStatus.STOPPED,
    )
