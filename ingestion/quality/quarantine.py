"""The quarantine: snapshots refused by a blocking rule, kept as they came, with the reason.

Layout, beside the accepted raw layer and never read by dbt:

    <root>/<dataset>/snapshot_date=YYYY-MM-DD/<received_at>_<content hash>/
        <the file as it came>      (a copy of the source file, or snapshot.parquet for a fetch)
        reason.json                (the verdict: every rule's result, counts and sample ids)
        admitted.json              (only once an operator re-admits exactly this content)

An entry is written whole or not at all (a hidden folder renamed into place). The same content
refused twice is stored once. Nothing here is ever deleted by the pipeline.

An operator can also evict a day already in the raw layer (`Quarantine.evict`, `observatory
quarantine --evict`): its stored fetches move into an entry of their own, kept whole with their
raw names and a reason.json saying who, when and why (`evicted_by_operator`). The gate then
refuses that content if a source sends it again, so the day stays a gap until a different
fetch passes or the entry is re-admitted (which also puts the fetches back).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from ingestion.atomic import replacing
from ingestion.quality.results import RuleResult, Verdict
from ingestion.raw_store import HASH_CHARS, RawStore, stored_at, stored_name

# An entry's status (see `QuarantineEntry.status`).
QUARANTINED, ACCEPTED_SINCE, READMITTED = "quarantined", "accepted since", "re-admitted"

REASON_FILE = "reason.json"
ADMITTED_FILE = "admitted.json"
FRAME_FILE = "snapshot.parquet"
EVICTED = "evicted_by_operator"  # the rule of an evicted day, and its key in reason.json


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:HASH_CHARS]


@dataclass(frozen=True)
class QuarantineEntry:
    dataset: str
    day: dt.date
    directory: Path
    content_hash: str
    reason: dict[str, Any]

    @property
    def admitted(self) -> dict[str, Any] | None:
        path = self.directory / ADMITTED_FILE
        return json.loads(path.read_text()) if path.exists() else None

    @property
    def quarantined_at(self) -> str:
        return str(self.reason.get("quarantined_at", ""))

    def status(self, raw_root: Path) -> str:
        """`re-admitted` once an operator ran `observatory quarantine --admit DAY --note ...`
        (the next run that meets exactly this content stores it despite its blocking failures);
        `accepted since` when a later fetch of the day (a fixed file, a new fetch) passed and
        is in the raw layer, the entry staying as a record; else `quarantined`: still out of
        the raw layer, the day a gap in the marts."""
        if self.admitted is not None:
            return READMITTED
        stamp = stored_at(self.directory.name)
        fetches = RawStore(raw_root, self.dataset).fetches(self.day)
        if any(stored_at(path.stem) > stamp for path in fetches):
            return ACCEPTED_SINCE
        return QUARANTINED

    @property
    def evicted(self) -> dict[str, Any] | None:
        """What an operator's eviction recorded (when, why, which fetches), or None."""
        return self.reason.get(EVICTED)

    @property
    def kept_files(self) -> list[Path]:
        return sorted(
            p for p in self.directory.iterdir() if p.name not in (REASON_FILE, ADMITTED_FILE)
        )


@dataclass(frozen=True)
class Quarantine:
    root: Path
    dataset: str

    @property
    def directory(self) -> Path:
        return self.root / self.dataset

    def day_dir(self, day: dt.date) -> Path:
        return self.directory / f"snapshot_date={day.isoformat()}"

    def entries(self, day: dt.date | None = None) -> list[QuarantineEntry]:
        """Entries of one day or of every day, oldest first."""
        days = [self.day_dir(day)] if day else sorted(self.directory.glob("snapshot_date=*"))
        found = []
        for folder in days:
            for entry in sorted(folder.glob("*_*")):
                reason_path = entry / REASON_FILE
                if entry.is_dir() and reason_path.exists():
                    found.append(
                        QuarantineEntry(
                            dataset=self.dataset,
                            day=dt.date.fromisoformat(folder.name.split("=", 1)[1]),
                            directory=entry,
                            content_hash=entry.name.rsplit("_", 1)[1],
                            reason=json.loads(reason_path.read_text()),
                        )
                    )
        return found

    def find(self, day: dt.date, content_hash: str) -> QuarantineEntry | None:
        matches = [e for e in self.entries(day) if e.content_hash == content_hash]
        return matches[-1] if matches else None

    def is_admitted(self, day: dt.date, content_hash: str) -> bool:
        entry = self.find(day, content_hash)
        return entry is not None and entry.admitted is not None

    def put(
        self,
        verdict: Verdict,
        content_hash: str,
        *,
        received_at: dt.datetime,
        original: Path | None = None,
        frame: pl.DataFrame | None = None,
    ) -> tuple[QuarantineEntry, bool]:
        """Keep a refused snapshot. Returns the entry and whether it was written now."""
        existing = self.find(verdict.day, content_hash)
        if existing is not None:
            return existing, False
        target = self.day_dir(verdict.day) / stored_name(received_at, content_hash)
        kept_file = original is not None and original.is_file()
        with replacing(target, folder=True) as staging:
            if kept_file:
                shutil.copy2(original, staging / original.name)
            elif frame is not None:
                frame.write_parquet(staging / FRAME_FILE)
            reason = verdict.as_dict() | {
                "dataset": self.dataset,
                "content_hash": content_hash,
                "quarantined_at": received_at.astimezone(dt.UTC).isoformat(),
                "kept": "the file as it came"
                if kept_file
                else ("the fetched rows" if frame is not None else "nothing: no body was received"),
            }
            (staging / REASON_FILE).write_text(json.dumps(reason, indent=2) + "\n")
        entry = self.find(verdict.day, content_hash)
        assert entry is not None  # just renamed into place
        return entry, True

    def admit(
        self,
        day: dt.date,
        *,
        note: str,
        admitted_at: dt.datetime,
        raw_root: Path | None = None,
    ) -> QuarantineEntry:
        """Mark the newest entry of a day as re-admitted: the next run that meets exactly this
        content accepts it despite its blocking failures (which stay reported). An evicted
        entry's fetches are also copied back into the raw layer under `raw_root` (a live source
        cannot be asked for a past day again); the entry stays as the record."""
        entries = self.entries(day)
        if not entries:
            raise LookupError(f"nothing quarantined in {self.dataset} for {day}")
        entry = entries[-1]
        payload = {"admitted_at": admitted_at.astimezone(dt.UTC).isoformat(), "note": note}
        (entry.directory / ADMITTED_FILE).write_text(json.dumps(payload, indent=2) + "\n")
        if entry.evicted is not None and raw_root is not None:
            partition = RawStore(raw_root, self.dataset).partition_dir(day)
            for kept in entry.kept_files:
                if not (partition / kept.name).exists():
                    with replacing(partition / kept.name) as tmp:
                        shutil.copy2(kept, tmp)
        return entry

    def evict(
        self,
        store: RawStore,
        day: dt.date,
        *,
        reason: str,
        evicted_at: dt.datetime,
        by: str = "an operator",
    ) -> QuarantineEntry:
        """Move every stored fetch of a day out of the raw layer into an entry of its own.

        Copy first, then remove: the entry is renamed into place whole (fetches and reason)
        before any raw file is deleted, so a crash leaves the day in both places, never in
        neither; evicting again then finds the entry (same newest fetch) and finishes."""
        fetches = store.fetches(day)
        if not fetches:
            raise LookupError(f"nothing stored in {store.directory} for {day}")
        hashes = [path.stem.rsplit("_", 1)[1] for path in fetches]
        entry = self.find(day, hashes[-1])
        if entry is None or entry.evicted is None or not _holds(entry, fetches):
            entry = self._keep_evicted(store, day, fetches, hashes, reason, evicted_at, by)
        for path in fetches:
            path.unlink()
        if not any(store.partition_dir(day).iterdir()):
            store.partition_dir(day).rmdir()
        return entry

    def _keep_evicted(
        self,
        store: RawStore,
        day: dt.date,
        fetches: list[Path],
        hashes: list[str],
        reason: str,
        evicted_at: dt.datetime,
        by: str,
    ) -> QuarantineEntry:
        at = evicted_at.astimezone(dt.UTC).isoformat()
        rule = RuleResult(
            EVICTED,
            passed=False,
            blocking=True,
            field=None,
            element_count=0,
            observed=f"evicted from the raw layer by {by} at {at}: {reason}",
        )
        rows = pl.scan_parquet(fetches[-1]).select(pl.len()).collect().item()
        verdict = Verdict(self.dataset, day, str(store.partition_dir(day)), rows, (rule,))
        target = self.day_dir(day) / stored_name(evicted_at, hashes[-1])
        with replacing(target, folder=True) as staging:
            for path in fetches:
                shutil.copy2(path, staging / path.name)
            payload = verdict.as_dict() | {
                "dataset": self.dataset,
                "content_hash": hashes[-1],
                "quarantined_at": at,
                "kept": "the stored fetches of the day, as they were in the raw layer",
                EVICTED: {
                    "evicted_at": at,
                    "evicted_by": by,
                    "reason": reason,
                    "fetches": [path.name for path in fetches],
                    "content_hashes": hashes,
                },
            }
            (staging / REASON_FILE).write_text(json.dumps(payload, indent=2) + "\n")
        entry = self.find(day, hashes[-1])
        assert entry is not None  # just renamed into place
        return entry

    def evicted_entry(self, day: dt.date, content_hash_: str) -> QuarantineEntry | None:
        """The newest eviction of a day that holds a fetch with this content (the raw
        layer's `content_hash` of the rows), or None."""
        matches = [
            entry
            for entry in self.entries(day)
            if entry.evicted is not None and content_hash_ in entry.evicted["content_hashes"]
        ]
        return matches[-1] if matches else None


def _holds(entry: QuarantineEntry, fetches: list[Path]) -> bool:
    """Whether an entry already keeps every one of these raw files, byte for byte."""
    return all(
        (entry.directory / path.name).is_file()
        and file_hash(entry.directory / path.name) == file_hash(path)
        for path in fetches
    )


def all_entries(root: Path) -> list[QuarantineEntry]:
    """Every entry of every dataset under a quarantine root, by dataset then day."""
    if not root.is_dir():
        return []
    return [
        entry
        for dataset in sorted(p.name for p in root.iterdir() if p.is_dir())
        for entry in Quarantine(root, dataset).entries()
    ]


def open_entries(
    quarantine_root: Path, raw_root: Path, start: dt.date, end: dt.date
) -> list[QuarantineEntry]:
    """Entries of days in [start, end] still out of the raw layer."""
    return [
        entry
        for entry in all_entries(quarantine_root)
        if start <= entry.day <= end and entry.status(raw_root) == QUARANTINED
    ]
