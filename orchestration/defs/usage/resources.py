"""OpenRouter's usage rankings as a Dagster resource, recorded or live, chosen by settings."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from ingestion.live import LiveSource
from ingestion.snapshots import SnapshotSource
from ingestion.usage.live import LiveRankingsClient
from ingestion.usage.recorded import recorded_rankings_source
from orchestration.lib.settings import DEFAULT_OPENROUTER_BASE_URL


class OpenRouterRankingsResource(dg.ConfigurableResource):
    """Where OpenRouter's daily usage rankings come from.

    `recorded` replays `snapshot_dir` (one `rankings-daily` answer per day, `YYYY-MM-DD.json`);
    `live` asks `{base_url}/datasets/rankings-daily` for one day with `api_key`, a secret that
    comes from the environment only (`OPENROUTER_API_KEY`, through `dg.EnvVar`, so the UI never
    shows it). Live without a key, the daily job leaves the rankings out (see `jobs.py`).
    """

    mode: str = "recorded"
    snapshot_dir: str
    base_url: str = DEFAULT_OPENROUTER_BASE_URL
    api_key: str | None = None

    def source(self) -> SnapshotSource:
        if self.mode == "live":
            if not self.api_key:
                raise dg.Failure(
                    "OpenRouter's usage rankings need an API key: set OPENROUTER_API_KEY in the "
                    "environment (any valid key; it is never stored or shown)."
                )
            return LiveSource(LiveRankingsClient(base_url=self.base_url, api_key=self.api_key))
        return recorded_rankings_source(Path(self.snapshot_dir))
