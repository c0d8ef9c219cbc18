"""The gate between a source and the accepted raw layer: store what passed, keep what did not.

Any raw snapshot source uses it the same way: validate the day into a `Verdict`, then call
`admit_or_quarantine`. An operator's admission (see `Quarantine.admit`) turns a refusal into
an acceptance for exactly the content that was admitted; an operator's eviction
(`Quarantine.evict`) turns an acceptance of exactly the evicted content into a refusal, so a
day evicted from the raw layer stays a gap when the source sends the same rows again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingestion.quality.quarantine import EVICTED, Quarantine, QuarantineEntry, file_hash
from ingestion.quality.results import RuleResult, Verdict
from ingestion.raw_store import HASH_CHARS, RawStore, WriteResult, content_hash


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    stored: WriteResult | None = None  # set when accepted
    quarantined: QuarantineEntry | None = None  # set when refused
    newly_quarantined: bool = False


def snapshot_digest(location: str, frame: pl.DataFrame | None, verdict: Verdict) -> str:
    """What identifies a snapshot's content: a file's bytes, else the fetched rows, else (an
    answer that could not be parsed, whose body the client kept) the URL and the reason."""
    path = Path(location)
    if path.is_file():
        return file_hash(path)
    if frame is not None:
        return content_hash(frame)
    return hashlib.sha256(f"{location}|{verdict.reason()}".encode()).hexdigest()[:HASH_CHARS]


def admit_or_quarantine(
    verdict: Verdict,
    frame: pl.DataFrame | None,
    *,
    store: RawStore,
    quarantine: Quarantine,
    fetched_at: dt.datetime,
) -> Outcome:
    digest = snapshot_digest(verdict.location, frame, verdict)
    if not verdict.accepted and frame is not None and quarantine.is_admitted(verdict.day, digest):
        verdict = dataclasses.replace(verdict, admitted_by_operator=True)
    if verdict.accepted and frame is not None:
        # The rows' digest only where the day has an eviction to match (0.7 s for a day of
        # the whole Hub, and the raw store computes it again when it writes).
        evicted = (
            quarantine.evicted_entry(verdict.day, content_hash(frame))
            if any(entry.evicted is not None for entry in quarantine.entries(verdict.day))
            else None
        )
        if evicted is not None and evicted.admitted is None:
            return Outcome(refused_as_evicted(verdict, evicted), quarantined=evicted)
        written = store.write(
            verdict.day, frame, source_uri=verdict.location, fetched_at=fetched_at
        )
        return Outcome(verdict, stored=written)
    entry, new = quarantine.put(
        verdict, digest, received_at=fetched_at, original=Path(verdict.location), frame=frame
    )
    return Outcome(verdict, quarantined=entry, newly_quarantined=new)


def refused_as_evicted(verdict: Verdict, entry: QuarantineEntry) -> Verdict:
    """The verdict on content an operator evicted from the raw layer: refused, saying why."""
    evicted = entry.evicted or {}
    rule = RuleResult(
        EVICTED,
        passed=False,
        blocking=True,
        observed=f"this content was evicted from the raw layer by "
        f"{evicted.get('evicted_by', 'an operator')} at "
        f"{evicted.get('evicted_at')} ({evicted.get('reason')}); kept in {entry.directory}",
    )
    return dataclasses.replace(verdict, results=(*verdict.results, rule))
