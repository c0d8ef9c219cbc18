"""Replays OpenRouter `/models` answers from a folder: one raw JSON response per UTC day,
`YYYY-MM-DD.json` or gzip-compressed `YYYY-MM-DD.json.gz` (as the shared recordings keep them).
A day without a file is a gap, as for the Hub snapshots."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from ingestion.errors import InputError
from ingestion.openrouter.pricing import models_frame
from ingestion.openrouter.schema import OPENROUTER_SOURCE
from ingestion.snapshots import Snapshot

_RESPONSE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json(\.gz)?$")


@dataclass(frozen=True)
class RecordedOpenRouterSource:
    directory: Path

    def available_days(self) -> list[dt.date]:
        if not self.directory.is_dir():
            raise InputError(OPENROUTER_SOURCE, str(self.directory), None, "folder not found")
        days = set()
        for path in sorted([*self.directory.glob("*.json"), *self.directory.glob("*.json.gz")]):
            match = _RESPONSE_NAME.match(path.name)
            if not match:
                raise InputError(
                    OPENROUTER_SOURCE, str(path), None, "name is not YYYY-MM-DD.json[.gz]"
                )
            try:
                days.add(dt.date.fromisoformat(match.group(1)))
            except ValueError as exc:
                raise InputError(OPENROUTER_SOURCE, str(path), None, f"not a date: {exc}") from exc
        return sorted(days)

    def fetch(self, day: dt.date) -> Snapshot | None:
        path = self.path_of(day)
        if path is None:
            return None
        try:
            raw = path.read_bytes()
            text = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8")
            payload = json.loads(text)
        except (
            OSError,
            EOFError,
            zlib.error,
            gzip.BadGzipFile,
            UnicodeDecodeError,
            json.JSONDecodeError,
        ) as exc:
            # No field can be named in a body that does not parse; say what it looks like.
            kind = "an HTML page, " if text_start(path).startswith("<") else ""
            raise InputError(
                OPENROUTER_SOURCE, str(path), None, f"{kind}not readable JSON: {exc}"
            ) from exc
        return Snapshot(day, models_frame(payload, location=str(path)), str(path))

    def path_of(self, day: dt.date) -> Path | None:
        """The day's answer; a plain `.json` wins over a `.json.gz` of the same day."""
        for name in (f"{day.isoformat()}.json", f"{day.isoformat()}.json.gz"):
            if (self.directory / name).exists():
                return self.directory / name
        return None


def text_start(path: Path) -> str:
    """The first non-blank characters of a file, to tell an HTML error page from bad JSON."""
    try:
        with path.open("rb") as handle:
            return handle.read(512).decode("utf-8", errors="replace").lstrip().lower()
    except OSError:
        return ""
