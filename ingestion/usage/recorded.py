"""OpenRouter's usage rankings as recorded: a folder of `YYYY-MM-DD.json` answers, one per UTC
day; a day without a file is a gap."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ingestion.recorded import DatedFolder, read_json
from ingestion.snapshots import Snapshot
from ingestion.usage.parse import rankings_frame
from ingestion.usage.schema import RANKINGS_SOURCE

# Other files beside the answers (PROVENANCE.csv) are not read.
RANKINGS_FILE_NAMES = ("{day}.json",)


def recorded_rankings_source(directory: Path) -> DatedFolder:
    return DatedFolder(directory, RANKINGS_SOURCE, RANKINGS_FILE_NAMES, read_rankings_file)


def read_rankings_file(path: Path, day: dt.date) -> Snapshot:
    payload = read_json(path, RANKINGS_SOURCE)
    return Snapshot(day, rankings_frame(payload, location=str(path)), str(path))
