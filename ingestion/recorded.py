"""A recorded source: a folder of one file per UTC day, read by the source's parser.

This is how the recordings and the demo data run, and how a user backfills history (hub-stats
exports, saved API answers). Every source keeps its days the same way, so the folder is written
once; a source only says how its files are named and how one is parsed.

The one policy for a file that is not a day's, for every source: a file that ends like a day's
file (`.parquet`, `.json`, ...) but is not named like one (`latest.json`), or names a date that
does not exist (`2026-13-01.parquet`), is never read: days are looked up by name. `scan` returns
it as a problem next to the days rather than raising, so an unattended run warns and goes on
with the other days instead of stopping on one stray file. Files with other endings
(`PROVENANCE.csv`, `NOTES.md`) are not candidates and pass silently. A missing folder is a
setting that is wrong, not a stray file: it raises.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingestion.errors import InputError
from ingestion.snapshots import Snapshot

DAY = "{day}"  # where the date stands in a name template, as YYYY-MM-DD
# ASCII digits only, exactly YYYY-MM-DD: `date.fromisoformat` alone would also take `20260731`.
_DATE = "([0-9]{4}-[0-9]{2}-[0-9]{2})"


@dataclass(frozen=True)
class DatedFolder:
    """A recorded source. `names` are the templates of a day's file, preferred first: when two
    exist for one day (`2026-08-19.json` and `2026-08-19.json.gz`), the first is the day's file.
    `parse(path, day)` is the source's parser: one file into the day's Snapshot, or an
    InputError naming the source, the file and the field."""

    directory: Path
    source: str
    names: tuple[str, ...]
    parse: Callable[[Path, dt.date], Snapshot]

    def fetch(self, day: dt.date) -> Snapshot | None:
        """The day's snapshot; None for a day without a file (a gap, not an error)."""
        path = self.path_of(day)
        return None if path is None else self.parse(path, day)

    def scan(self) -> tuple[dict[dt.date, Path], list[InputError]]:
        """The days with a file (in order, each with the file read for it) and the problems:
        the files that look like a day's but are not one, as the module says."""
        if not self.directory.is_dir():
            raise InputError(self.source, str(self.directory), None, "snapshot folder not found")
        endings = tuple(name.split(DAY, 1)[1] for name in self.names)
        days: dict[dt.date, Path] = {}
        problems: list[InputError] = []
        for path in sorted(p for p in self.directory.iterdir() if p.name.endswith(endings)):
            try:
                day = self.day_of(path)
            except InputError as error:
                problems.append(error)
                continue
            days[day] = self.path_of(day) or path
        return dict(sorted(days.items())), problems

    def day_of(self, path: Path) -> dt.date:
        for name in self.names:
            prefix, suffix = name.split(DAY, 1)
            match = re.fullmatch(re.escape(prefix) + _DATE + re.escape(suffix), path.name)
            if match:
                try:
                    return dt.date.fromisoformat(match.group(1))
                except ValueError as exc:
                    raise InputError(
                        self.source, str(path), None, f"file name is not a real date: {exc}"
                    ) from exc
        expected = " or ".join(name.format(day="YYYY-MM-DD") for name in self.names)
        raise InputError(self.source, str(path), None, f"file name is not {expected}")

    def path_of(self, day: dt.date) -> Path | None:
        for name in self.names:
            path = self.directory / name.format(day=day.isoformat())
            if path.exists():
                return path
        return None


def read_json(path: Path, source: str) -> Any:
    """A recorded JSON answer, gzip-compressed when its name ends `.gz`."""
    try:
        raw = path.read_bytes()
        return json.loads((gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8"))
    except (
        OSError,
        EOFError,
        zlib.error,
        gzip.BadGzipFile,
        UnicodeDecodeError,
        json.JSONDecodeError,
    ) as exc:
        # No field can be named in a body that does not parse; say what it looks like.
        kind = "an HTML page, " if _text_start(path).startswith("<") else ""
        raise InputError(source, str(path), None, f"{kind}not readable JSON: {exc}") from exc


def _text_start(path: Path) -> str:
    """The first non-blank characters of a file, to tell an HTML error page from bad JSON."""
    try:
        with path.open("rb") as handle:
            return handle.read(512).decode("utf-8", errors="replace").lstrip().lower()
    except OSError:
        return ""
