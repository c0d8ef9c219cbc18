"""A backfill of the Hub from the hub-stats dataset's revisions: the days of a range, as files.

The dataset's commits are listed once; each UTC day of the range gets its revision (the last
commit of the day that uploaded `models.parquet`; none: a gap, no file). Each day is written to
a mirror folder in the recorded layout (`hub/daily/YYYY-MM-DD.parquet`), and the newest day of
the range, read whole, is the catalog export too (`hub/hub_stats_YYYY-MM-DD.parquet`: lineage,
parameters, licence, tags). The pipeline then ingests the mirror in recorded mode, so a
backfilled day is stored, validated and quarantined exactly as a recorded day is.

Past days are read with `PAST_DAY_COLUMNS` only, by ranged reads (a tenth of the file or less
at the Hub's size). Resumable: a day whose file is in the mirror is not fetched again, and files
are written atomically, so a backfill killed at any point and started again ends with the same
files. `progress(step)` is called after each day: the CLI's progress bar.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingestion.atomic import replacing
from ingestion.http import RetryPolicy
from ingestion.hub.hub_stats import HubStatsRepo, Revision, exact_waits
from ingestion.hub.hub_stats_live import HUB_STATS_RETRY
from ingestion.raw_store import write_parquet_atomically

# What the daily facts need of a past day: the counters, and who and when. The attributes
# (tags, card, lineage, parameters) come from the newest day, the catalog.
PAST_DAY_COLUMNS = (
    "id",
    "modelId",  # the older name of `id` (ingestion.hub.revisions)
    "author",
    "createdAt",
    "downloads",
    "downloadsAllTime",
    "likes",
    "pipeline_tag",
    "library_name",
)


@dataclass(frozen=True)
class Mirror:
    """Where a backfill keeps the days it read, in the layout of a recordings folder."""

    root: Path

    @property
    def daily_dir(self) -> Path:
        return self.root / "hub" / "daily"

    @property
    def catalog_dir(self) -> Path:
        return self.root / "hub"

    def day_path(self, day: dt.date) -> Path:
        return self.daily_dir / f"{day.isoformat()}.parquet"

    def catalog_path(self, day: dt.date) -> Path:
        return self.catalog_dir / f"hub_stats_{day.isoformat()}.parquet"


@dataclass
class Step:
    """Where a backfill stands after a day (what the progress bar shows)."""

    day: dt.date
    done: int  # days of the plan handled (fetched or already stored)
    total: int
    fetched: bool  # False: the day was already in the mirror
    bytes_fetched: int  # by this backfill so far
    file_bytes: int  # the size of the files read so far


@dataclass
class Plan:
    days: dict[dt.date, Revision]  # the range's days that have a revision
    gaps: list[dt.date]  # the range's days without one
    stored: list[dt.date] = field(default_factory=list)  # in the mirror already

    @property
    def newest(self) -> dt.date | None:
        return max(self.days) if self.days else None


def plan(revisions: dict[dt.date, Revision], start: dt.date, end: dt.date, mirror: Mirror) -> Plan:
    days = {d: r for d, r in revisions.items() if start <= d <= end}
    every = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    done = Plan(days, [d for d in every if d not in days])
    done.stored = [d for d in days if mirror.day_path(d).exists()]
    newest = done.newest
    if newest is not None and not mirror.catalog_path(newest).exists():
        done.stored = [d for d in done.stored if d != newest]  # read whole again: the catalog
    return done


def backfill(
    repo: HubStatsRepo,
    start: dt.date,
    end: dt.date,
    mirror: Mirror,
    *,
    retry: RetryPolicy = HUB_STATS_RETRY,
    progress: Callable[[Step], None] = lambda step: None,
    revisions: dict[dt.date, Revision] | None = None,
) -> Plan:
    """Fetch the range's days that the mirror lacks; the plan says what there was."""
    with exact_waits(retry):
        revisions = repo.revisions() if revisions is None else revisions
        todo = plan(revisions, start, end, mirror)
        fetched_bytes, file_bytes = 0, 0
        for done, (day, revision) in enumerate(sorted(todo.days.items()), start=1):
            fetched = day not in todo.stored
            if fetched:
                whole = day == todo.newest
                frame, read = repo.read(revision.sha, None if whole else PAST_DAY_COLUMNS)
                fetched_bytes += read.fetched
                file_bytes += read.size
                _write(mirror, day, frame, catalog=whole)
            progress(Step(day, done, len(todo.days), fetched, fetched_bytes, file_bytes))
    return todo


def _write(mirror: Mirror, day: dt.date, frame: pl.DataFrame, *, catalog: bool) -> None:
    write_parquet_atomically(frame, mirror.day_path(day))
    if catalog:
        # The same bytes as the day's file: a hard link where the file system has them.
        target = mirror.catalog_path(day)
        with replacing(target) as tmp:
            tmp.unlink()  # a link needs a free name
            try:
                os.link(mirror.day_path(day), tmp)
            except OSError:
                tmp.write_bytes(mirror.day_path(day).read_bytes())
