"""One interface for the Hub source, with a recorded and a live implementation.

`fetch(day)` returns the snapshot of a UTC day, or None when there is none to have (a gap in
the recordings). The live Hub has no history endpoint: it can only be asked for the present,
so the live source refuses days other than the one that just ended (or today).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ingestion.errors import UnavailableError
from ingestion.hub.live import LiveHubClient
from ingestion.hub.schema import HUB_SOURCE
from ingestion.snapshots import Snapshot


def _utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@dataclass(frozen=True)
class LiveHubSource:
    client: LiveHubClient
    orgs: Sequence[str]
    today: Callable[[], dt.date] = field(default=_utc_today)

    def fetch(self, day: dt.date) -> Snapshot:
        today = self.today()
        if day not in (today, today - dt.timedelta(days=1)):
            raise UnavailableError(
                HUB_SOURCE,
                self.client.endpoint,
                None,
                f"cannot snapshot {day} live: the Hub keeps no history, only today's counters "
                f"({today - dt.timedelta(days=1)} or {today} can be fetched). Backfill past days "
                "in recorded mode with HUB_SNAPSHOT_DIR pointing at hub-stats exports.",
            )
        return self.client.snapshot(day, self.orgs)
