"""The live Hub source by default: the hub-stats dataset's `models.parquet`, the whole Hub.

A day's snapshot is the newest revision of the file committed on or before the end of that UTC
day (`HUB_STATS_REPO`, default `cfahlgren1/hub-stats`), read whole: a live day is a catalog too
(lineage, parameters, tags). The dataset keeps its past, so any day up to today can be fetched
(`Window.HISTORY`); `observatory backfill` reads past days more cheaply (`ingestion.hub.backfill`).
The commits are listed once per client, not once per day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

from ingestion.http import RetryPolicy
from ingestion.hub.hub_stats import HubStatsRepo, Revision, exact_waits
from ingestion.hub.revisions import conform_revision
from ingestion.hub.schema import HUB_SOURCE
from ingestion.live import Window
from ingestion.snapshots import Snapshot

# The Hub's rate limit window is five minutes: it never asks for a longer wait.
HUB_STATS_RETRY = RetryPolicy(max_wait=300.0)


def revision_for(revisions: dict[dt.date, Revision], day: dt.date) -> Revision | None:
    """The newest revision committed on or before the end of `day`."""
    earlier = [d for d in revisions if d <= day]
    return revisions[max(earlier)] if earlier else None


@dataclass(frozen=True)
class LiveHubStatsClient:
    source: ClassVar[str] = HUB_SOURCE
    window: ClassVar[Window] = Window.HISTORY
    no_history: ClassVar[str] = ""  # never said: the dataset keeps its history
    repo: HubStatsRepo
    retry: RetryPolicy = HUB_STATS_RETRY
    _revisions: dict[dt.date, Revision] = field(default_factory=dict, repr=False, compare=False)

    @property
    def location(self) -> str:
        return self.repo.location

    def revisions(self) -> dict[dt.date, Revision]:
        if not self._revisions:
            with exact_waits(self.retry):
                self._revisions.update(self.repo.revisions())
        return self._revisions

    def snapshot(self, day: dt.date) -> Snapshot | None:  # type: ignore[override]
        revision = revision_for(self.revisions(), day)
        if revision is None:
            return None  # the dataset did not exist yet: a gap
        with exact_waits(self.retry):
            raw, _ = self.repo.read(revision.sha)
        location = self.repo.url(revision.sha)
        frame, report = conform_revision(raw, location)
        return Snapshot(day=day, frame=frame, location=location, report=report, pages=1)
