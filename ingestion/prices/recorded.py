"""OpenRouter's recorded price source: one raw `/models` answer per UTC day, `YYYY-MM-DD.json` or
gzip-compressed `YYYY-MM-DD.json.gz` (as the shared recordings keep them), and its parser."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ingestion.prices.parse import models_frame
from ingestion.prices.schema import OPENROUTER_SOURCE
from ingestion.recorded import DatedFolder, read_json
from ingestion.snapshots import Snapshot

# A plain `.json` wins over a `.json.gz` of the same day.
PRICE_FILE_NAMES = ("{day}.json", "{day}.json.gz")


def recorded_price_source(directory: Path) -> DatedFolder:
    return DatedFolder(directory, OPENROUTER_SOURCE, PRICE_FILE_NAMES, read_price_file)


def read_price_file(path: Path, day: dt.date) -> Snapshot:
    payload = read_json(path, OPENROUTER_SOURCE)
    return Snapshot(day, models_frame(payload, location=str(path)), str(path))
