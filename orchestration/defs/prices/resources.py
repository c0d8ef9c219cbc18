"""The price sources as a Dagster resource: OpenRouter recorded or live, chosen by settings."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from ingestion.openrouter.live import LiveOpenRouterClient, LiveOpenRouterSource
from ingestion.openrouter.recorded import RecordedOpenRouterSource
from ingestion.openrouter.sources import PriceSnapshotSource
from orchestration.lib.settings import DEFAULT_OPENROUTER_BASE_URL


class OpenRouterSourceResource(dg.ConfigurableResource):
    """Where OpenRouter's model and price list comes from.

    `recorded` replays `snapshot_dir` (one raw `/models` JSON answer per day, `YYYY-MM-DD.json`);
    `live` asks `{base_url}/models?output_modalities=all` (public, no key).
    """

    mode: str = "recorded"
    snapshot_dir: str
    base_url: str = DEFAULT_OPENROUTER_BASE_URL

    def source(self) -> PriceSnapshotSource:
        if self.mode == "live":
            return LiveOpenRouterSource(LiveOpenRouterClient(base_url=self.base_url))
        return RecordedOpenRouterSource(Path(self.snapshot_dir))
