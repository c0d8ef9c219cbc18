"""One snapshot type and one source interface for every daily source (Hub, prices, rankings).

Each source, recorded or live, answers `fetch(day)` with the `Snapshot` of a UTC day, or None when
there is none to have (a gap: no file for the day, or a day whose figures are not final yet). The
daily ingest loop, the quality suites and the raw store then treat every source alike: only the
frame's schema differs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

import polars as pl

from ingestion.conform import ConformReport


@dataclass(frozen=True)
class Snapshot:
    day: dt.date
    frame: pl.DataFrame
    location: str  # the file or URL it was read from, which errors and verdicts name
    pages: int = 0  # API requests made (live); 0 for a file
    # What conforming to the declared schema dropped or filled with nulls. Only the Hub conforms
    # loosely (its archives drift); the others' parses are strict, so theirs stays empty.
    report: ConformReport = field(default_factory=ConformReport)


class SnapshotSource(Protocol):
    def fetch(self, day: dt.date) -> Snapshot | None: ...
