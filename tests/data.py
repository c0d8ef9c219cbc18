"""Where the tests' data is. Neither kind is in the repository:
- the demo data, generated once per session by `tests.plugins.demo` (deterministic);
- the real recordings in `../shared/data` (developers and CI have them, users do not): tests that
  read them are marked `requires_real_data` and skip, saying why, where the folder is missing.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("OBSERVATORY_SHARED_DATA", ROOT.parent / "shared" / "data"))
HAS_SHARED_DATA = (SHARED_DATA / "hub" / "daily").is_dir()
requires_real_data = pytest.mark.skipif(
    not HAS_SHARED_DATA,
    reason=f"the real recordings are not at {SHARED_DATA} (developers and CI have "
    "../shared/data; users of the project do not): real-data test skipped",
)
REAL_HUB_DAILY = SHARED_DATA / "hub" / "daily"
REAL_PRICE_DAILY = SHARED_DATA / "openrouter" / "daily"
REAL_RANKINGS = SHARED_DATA / "openrouter" / "rankings_daily"


def real_catalog_file() -> Path:
    (path,) = sorted((SHARED_DATA / "hub").glob("hub_stats_*.parquet"))[-1:]
    return path


def read_answer(path: Path) -> dict:
    """A raw OpenRouter answer, `.json` or `.json.gz`."""
    raw = path.read_bytes()
    return json.loads(gzip.decompress(raw) if path.suffix == ".gz" else raw)
