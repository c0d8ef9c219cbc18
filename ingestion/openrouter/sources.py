"""One interface for the OpenRouter price source, with a recorded and a live implementation.

`fetch(day)` returns the price list of a UTC day, or None when there is none to have (a gap in
the recordings). Live, OpenRouter keeps no history, so only the present can be fetched.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from ingestion.snapshots import Snapshot


class PriceSnapshotSource(Protocol):
    def fetch(self, day: dt.date) -> Snapshot | None: ...
