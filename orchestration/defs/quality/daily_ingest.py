"""The loop every daily raw source runs: fetch each day of the run, validate it against the
previous accepted day, then store it in the raw layer or keep it in the quarantine.

A day the source cannot answer for at all (`UnavailableError`: a live source asked for the
past) fails the step; an unreadable answer is a verdict like any other and is quarantined."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import dagster as dg
import polars as pl

from ingestion.errors import InputError, UnavailableError
from ingestion.quality.gate import admit_or_quarantine
from ingestion.quality.quarantine import Quarantine
from ingestion.quality.results import Verdict, unreadable_verdict
from ingestion.raw_store import RawStore
from orchestration.defs.quality.checks import log_outcome


class DailySource(Protocol):
    def fetch(self, day: dt.date) -> Any: ...


# (day, snapshot, previous accepted frame or None) -> verdict
Validate = Callable[[dt.date, Any, pl.DataFrame | None], Verdict]


@dataclass
class DayRun:
    verdicts: list[Verdict] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    accepted: list[Any] = field(default_factory=list)  # the snapshots stored (or unchanged)
    rows: int = 0
    pages: int = 0

    def metadata(self, store: RawStore) -> dict[str, dg.MetadataValue]:
        return {
            "rows": dg.MetadataValue.int(self.rows),
            "days_stored": dg.MetadataValue.int(len(self.stored)),
            "days_unchanged": dg.MetadataValue.int(len(self.unchanged)),
            "days_without_snapshot": dg.MetadataValue.int(len(self.gaps)),
            "days_quarantined": dg.MetadataValue.int(sum(not v.accepted for v in self.verdicts)),
            "gap_days": dg.MetadataValue.text(", ".join(self.gaps) or "none"),
            "api_pages": dg.MetadataValue.int(self.pages),
            "raw_path": dg.MetadataValue.path(str(store.directory)),
        }


def ingest_days(
    context: dg.AssetExecutionContext,
    *,
    source: DailySource,
    days: Sequence[dt.date],
    store: RawStore,
    quarantine: Quarantine,
    validate: Validate,
    compared_columns: Sequence[str],
) -> DayRun:
    fetched_at = dt.datetime.now(dt.UTC)
    previous = store.newest_before(days[0], columns=list(compared_columns))
    run = DayRun()
    for day in days:
        try:
            snapshot = source.fetch(day)
        except UnavailableError:
            raise
        except InputError as error:  # unreadable or unparsable: kept with its reason
            outcome = admit_or_quarantine(
                unreadable_verdict(day, error),
                None,
                store=store,
                quarantine=quarantine,
                fetched_at=fetched_at,
            )
            run.verdicts.append(log_outcome(context, outcome))
            continue
        if snapshot is None:
            run.gaps.append(day.isoformat())
            continue
        outcome = admit_or_quarantine(
            validate(day, snapshot, previous),
            snapshot.frame,
            store=store,
            quarantine=quarantine,
            fetched_at=fetched_at,
        )
        run.verdicts.append(log_outcome(context, outcome))
        if outcome.stored is None:
            continue
        (run.stored if outcome.stored.written else run.unchanged).append(day.isoformat())
        previous = snapshot.frame.select(compared_columns)
        run.rows += outcome.stored.rows
        run.pages += snapshot.pages
        run.accepted.append(snapshot)
    return run
