"""The raw layer: append-only Parquet, one folder per snapshot date, written atomically.

Layout: `<root>/<dataset>/snapshot_date=YYYY-MM-DD/<fetched_at>_<content hash>.parquet`.
Every fetch is a new file, so a re-run of a day never destroys an earlier fetch; downstream
takes the newest fetch of each day. A fetch whose content equals the newest one already stored
for that day is not written again, which keeps `make run` idempotent on the raw layer too.
Each file carries `snapshot_date`, `fetched_at` and `source_uri` columns, so a row read back
knows where it came from without the path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingestion.atomic import replacing

HASH_CHARS = 16


def stored_name(at: dt.datetime, digest: str) -> str:
    """The name of a stored fetch (a raw file's stem) or of a quarantine entry (a folder):
    `<UTC time>_<content hash>`. Names sort by time, so the last of a day is the newest, and
    an accepted fetch named after a quarantine entry of its day was accepted after it."""
    return f"{at.astimezone(dt.UTC):%Y%m%dT%H%M%S%fZ}_{digest}"


def stored_at(name: str) -> str:
    """The time part of a `stored_name`, comparable as text."""
    return name.split("_", 1)[0]


@dataclass(frozen=True)
class WriteResult:
    path: Path
    rows: int
    written: bool  # False when the newest stored fetch of that day has the same content
    content_hash: str


@dataclass(frozen=True)
class RawStore:
    root: Path
    dataset: str

    @property
    def directory(self) -> Path:
        return self.root / self.dataset

    def partition_dir(self, day: dt.date) -> Path:
        return self.directory / f"snapshot_date={day.isoformat()}"

    def fetches(self, day: dt.date) -> list[Path]:
        """Stored fetches of a day, oldest first (names start with the fetch timestamp)."""
        return sorted(self.partition_dir(day).glob("*.parquet"))

    def days(self) -> list[dt.date]:
        """Days with at least one stored fetch, oldest first."""
        return sorted(
            dt.date.fromisoformat(folder.name.split("=", 1)[1])
            for folder in self.directory.glob("snapshot_date=*")
            if any(folder.glob("*.parquet"))
        )

    def newest_before(self, day: dt.date, columns: list[str] | None = None) -> pl.DataFrame | None:
        """The newest fetch of the latest stored day before `day`: what a new snapshot is
        compared with. None when nothing earlier is stored."""
        earlier = [d for d in self.days() if d < day]
        if not earlier:
            return None
        return pl.read_parquet(self.fetches(earlier[-1])[-1], columns=columns)

    def glob(self) -> str:
        return (self.directory / "*" / "*.parquet").as_posix()

    def write(
        self, day: dt.date, frame: pl.DataFrame, *, source_uri: str, fetched_at: dt.datetime
    ) -> WriteResult:
        digest = content_hash(frame)
        existing = self.fetches(day)
        if existing and existing[-1].stem.endswith(digest):
            return WriteResult(existing[-1], frame.height, written=False, content_hash=digest)
        stamped = _stamp(frame, day, fetched_at.astimezone(dt.UTC), source_uri)
        target = self.partition_dir(day) / f"{stored_name(fetched_at, digest)}.parquet"
        write_parquet_atomically(stamped, target)
        return WriteResult(target, frame.height, written=True, content_hash=digest)

    def ensure_readable(self, schema: pl.Schema) -> None:
        """Keep the dataset's glob readable before its first fetch.

        DuckDB's `read_parquet` fails on a glob that matches nothing, so a run in which every
        day of a source was a gap or quarantined (a fresh DATA_DIR, a range before the first
        price snapshot) would break every view over it. A zero-row file with the declared
        columns, outside any `snapshot_date=` folder, answers "no rows" instead.
        """
        target = self.directory / "_schema" / "empty.parquet"
        if not target.exists():
            write_parquet_atomically(_stamp(pl.DataFrame(schema=schema), None, None, None), target)


def _stamp(
    frame: pl.DataFrame, day: dt.date | None, fetched_at: dt.datetime | None, source_uri: str | None
) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(day, dtype=pl.Date).alias("snapshot_date"),
        pl.lit(fetched_at, dtype=pl.Datetime("us", "UTC")).alias("fetched_at"),
        pl.lit(source_uri, dtype=pl.String).alias("source_uri"),
    )


def content_hash(frame: pl.DataFrame) -> str:
    """A digest of the rows, independent of row order (the row hashes are sorted first).

    Polars does not promise stable row hashes across versions: after an upgrade one identical
    fetch may be stored again, which is harmless.
    """
    hasher = hashlib.sha256(",".join(f"{k}:{v}" for k, v in frame.schema.items()).encode())
    # The sorted row hashes as little-endian 8-byte words, in one buffer (not one call a row).
    hasher.update(frame.hash_rows(seed=0).sort().to_numpy().astype("<u8").tobytes())
    return hasher.hexdigest()[:HASH_CHARS]


def write_parquet_atomically(frame: pl.DataFrame, target: Path) -> None:
    """Readers never see half a file (`ingestion.atomic`).

    Encoded in memory, then written by Python: on a full disk Polars' own writer may fail with
    no errno at all (`Invalid thrift: transport error`), and only an OSError is known to be a
    fault of the machine, which no retry can fix (`orchestration.defs.quality.retries`)."""
    encoded = io.BytesIO()
    frame.write_parquet(encoded)
    with replacing(target) as tmp:
        tmp.write_bytes(encoded.getbuffer())
