"""The Hub's recorded source: one hub-stats Parquet file per UTC day, and its parser.

This is how the recordings and the demo data run, and how a user backfills history from the public
hub-stats archive: any file in that layout works, of any age: missing columns become nulls, extra ones are
dropped (and reported, in the snapshot's ConformReport), older names are renamed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from ingestion.errors import InputError
from ingestion.hub.revisions import conform_revision
from ingestion.hub.schema import HUB_SOURCE
from ingestion.recorded import DatedFolder
from ingestion.snapshots import Snapshot

# `YYYY-MM-DD.parquet` for daily snapshots; catalog exports may carry the dataset's name as a
# prefix, as the hub-stats exports do (`hub_stats_2026-05-21.parquet`).
HUB_FILE_NAMES = ("{day}.parquet", "hub_stats_{day}.parquet")


def recorded_hub_source(directory: Path) -> DatedFolder:
    return DatedFolder(directory, HUB_SOURCE, HUB_FILE_NAMES, read_snapshot_file)


def read_snapshot_file(path: Path, day: dt.date) -> Snapshot:
    try:
        raw = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(
            HUB_SOURCE, str(path), None, f"not a readable Parquet file: {exc}"
        ) from exc
    # Old hub-stats revisions (renamed or missing columns, only the 30-day counter) are
    # conformed, not refused (ingestion.hub.revisions).
    frame, report = conform_revision(raw, str(path))
    return Snapshot(day=day, frame=frame, location=str(path), report=report)
