"""A live source: a source's client, and the rule of which days it can be asked for, written once.

The sources' APIs are of two kinds, and each client says which (`window`):

- `Window.PRESENT`: counters as they stand now (the Hub's download counters, OpenRouter's price
  list), with no history endpoint. Only today, or the day that just ended (a run shortly after
  midnight UTC snapshots it), can be fetched; an older day is an UnavailableError naming what
  to do instead (`no_history`): a usage error that fails the run, not a bad snapshot to
  quarantine.
- `Window.ENDED`: figures per day, final only once the day is over in UTC (OpenRouter's usage
  rankings). Past days are fetched; today and later are gaps (None) for now, fetched on a later
  run, not errors.
- `Window.HISTORY`: a source that keeps its past (the hub-stats dataset's daily revisions): any
  day up to today is fetched; a later day is a gap.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ingestion.errors import UnavailableError
from ingestion.snapshots import Snapshot


class Window(enum.Enum):
    PRESENT = "present"
    ENDED = "ended"
    HISTORY = "history"


class LiveClient(Protocol):
    source: str
    window: Window
    # Window.PRESENT: why an older day cannot be fetched, and where past days come from instead.
    no_history: str

    @property
    def location(self) -> str: ...  # the API, as an error names it

    def snapshot(self, day: dt.date) -> Snapshot: ...


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@dataclass(frozen=True)
class LiveSource:
    client: LiveClient
    today: Callable[[], dt.date] = field(default=utc_today)

    def fetch(self, day: dt.date) -> Snapshot | None:
        today = self.today()
        if self.client.window is Window.HISTORY:
            return None if day > today else self.client.snapshot(day)
        if self.client.window is Window.ENDED:
            return None if day >= today else self.client.snapshot(day)
        yesterday = today - dt.timedelta(days=1)
        if day not in (yesterday, today):
            raise UnavailableError(
                self.client.source,
                self.client.location,
                None,
                f"cannot fetch {day} live ({yesterday} or {today} can be fetched): "
                f"{self.client.no_history}",
            )
        return self.client.snapshot(day)
