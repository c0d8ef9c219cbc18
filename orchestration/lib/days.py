"""The days a DATA_DIR and its sources hold: what the daily partitions are made of.

Read when the definitions load (`dagster dev`, `observatory run`), so it only lists names:
the dated files of the recorded daily sources and the raw layer's day folders. No file is
opened."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from ingestion.errors import InputError
from ingestion.hub.recorded import recorded_hub_source
from ingestion.prices.recorded import recorded_price_source
from ingestion.raw_store import RawStore
from ingestion.usage.recorded import recorded_rankings_source
from orchestration.lib.layout import QUARANTINED_DATASETS
from orchestration.lib.partitions import data_partitions
from orchestration.lib.settings import Settings


def existing_days(settings: Settings) -> set[dt.date]:
    """Every day some daily source has a file for (recorded mode) or the raw layer holds a
    fetch of (either mode: days stored by earlier runs, live or from other recordings)."""
    days = {
        day
        for dataset in QUARANTINED_DATASETS  # the daily datasets
        for day in RawStore(settings.layout.raw_dir, dataset).days()
    }
    if settings.source_mode == "recorded":
        for source in (
            recorded_hub_source(settings.hub_snapshot_dir),
            recorded_price_source(settings.prices_snapshot_dir),
            recorded_rankings_source(settings.rankings_snapshot_dir),
        ):
            try:
                found, _ = source.scan()  # misnamed files: the run that reads them warns
            except InputError:
                continue  # no folder (the demo before its first run): no day from it
            days.update(found)
    return days


def daily_partitions(
    settings: Settings, run_days: tuple[dt.date, ...] = ()
) -> dg.DailyPartitionsDefinition:
    """The partitions of these settings: the days that exist (`existing_days`). Live, `run_days`
    (the days a run is asked for) are partitions too, before anything is stored for them."""
    live = settings.source_mode == "live"
    days = existing_days(settings) | (set(run_days) if live else set())
    return data_partitions(days, live=live, today=dt.datetime.now(dt.UTC).date())
