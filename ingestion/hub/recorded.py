"""Replays Hub snapshots from a folder: one Parquet file per UTC day, `YYYY-MM-DD.parquet`.

This is how the recordings and the demo data run, and how a user backfills history from the public hub-stats
archive: any file in that layout works, missing columns become nulls, extra ones are dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingestion.conform import conform
from ingestion.errors import InputError
from ingestion.hub.schema import HUB_SNAPSHOT_SCHEMA, HUB_SOURCE, REQUIRED_COLUMNS
from ingestion.snapshots import Snapshot

# `YYYY-MM-DD.parquet` for daily snapshots; catalog exports may carry the dataset's name as a
# prefix, as the hub-stats exports do (`hub_stats_2026-05-21.parquet`).
_SNAPSHOT_NAME = re.compile(r"^(?:hub_stats_)?(\d{4}-\d{2}-\d{2})\.parquet$")


@dataclass(frozen=True)
class SnapshotFolder:
    directory: Path
    source: str = HUB_SOURCE

    def available_days(self) -> dict[dt.date, Path]:
        """Days with a file. A `.parquet` file whose name is not a real date is an error."""
        if not self.directory.is_dir():
            raise InputError(self.source, str(self.directory), None, "snapshot folder not found")
        days: dict[dt.date, Path] = {}
        for path in sorted(self.directory.glob("*.parquet")):
            days[snapshot_day(path, self.source)] = path
        return days

    def scan(self) -> tuple[dict[dt.date, Path], list[InputError]]:
        """Like `available_days`, but a misnamed file is reported instead of raised: it is
        never read (days are looked up by name), and it should not stop the other days."""
        if not self.directory.is_dir():
            raise InputError(self.source, str(self.directory), None, "snapshot folder not found")
        days: dict[dt.date, Path] = {}
        problems: list[InputError] = []
        for path in sorted(self.directory.glob("*.parquet")):
            try:
                days[snapshot_day(path, self.source)] = path
            except InputError as error:
                problems.append(error)
        return days, problems

    def read(self, day: dt.date) -> Snapshot | None:
        for name in (f"{day.isoformat()}.parquet", f"hub_stats_{day.isoformat()}.parquet"):
            path = self.directory / name
            if path.exists():
                return read_snapshot_file(path, day, self.source)
        return None


def snapshot_day(path: Path, source: str = HUB_SOURCE) -> dt.date:
    match = _SNAPSHOT_NAME.match(path.name)
    if not match:
        raise InputError(
            source, str(path), None, "file name is not YYYY-MM-DD.parquet (or hub_stats_YYYY-MM-DD)"
        )
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError as exc:
        raise InputError(source, str(path), None, f"file name is not a real date: {exc}") from exc


def read_snapshot_file(path: Path, day: dt.date, source: str = HUB_SOURCE) -> Snapshot:
    try:
        raw = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(source, str(path), None, f"not a readable Parquet file: {exc}") from exc
    for column in REQUIRED_COLUMNS:
        if column not in raw.columns:
            raise InputError(source, str(path), column, "required column is missing")
    frame, report = conform(raw, HUB_SNAPSHOT_SCHEMA, source=source, location=str(path))
    return Snapshot(day=day, frame=frame, location=str(path), report=report)
