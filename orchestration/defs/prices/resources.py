"""OpenRouter's model and price list as a Dagster resource, recorded or live, chosen by
settings."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from ingestion.live import LiveSource
from ingestion.prices.live import LiveOpenRouterClient
from ingestion.prices.recorded import recorded_price_source
from ingestion.snapshots import SnapshotSource
from orchestration.lib.settings import DEFAULT_OPENROUTER_BASE_URL


class OpenRouterSourceResource(dg.ConfigurableResource):
    """Where OpenRouter's model and price list comes from.

    `recorded` replays `snapshot_dir` (one raw `/models` JSON answer per day, `YYYY-MM-DD.json`);
    `live` asks `{base_url}/models?output_modalities=all` (public, no key).
    """

    mode: str = "recorded"
    snapshot_dir: str
    base_url: str = DEFAULT_OPENROUTER_BASE_URL

    def source(self) -> SnapshotSource:
        if self.mode == "live":
            return LiveSource(LiveOpenRouterClient(base_url=self.base_url))
        return recorded_price_source(Path(self.snapshot_dir))
