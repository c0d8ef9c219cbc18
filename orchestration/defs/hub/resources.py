"""The Hub source as a Dagster resource: recorded or live, chosen by settings."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from ingestion.hub.hub_stats import HubStatsRepo
from ingestion.hub.hub_stats_live import LiveHubStatsClient
from ingestion.hub.live import LiveHubClient
from ingestion.hub.recorded import recorded_hub_source
from ingestion.live import LiveSource
from ingestion.recorded import DatedFolder
from ingestion.registry import registry_orgs
from ingestion.snapshots import SnapshotSource
from orchestration.lib.settings import (
    DEFAULT_HF_ENDPOINT,
    DEFAULT_HUB_STATS_REPO,
    DEVELOPER_REGISTRY_CSV,
    HUB_SOURCES,
)


class HubSourceResource(dg.ConfigurableResource):
    """Where Hub snapshots come from.

    `recorded` replays `snapshot_dir` (one hub-stats Parquet per day). `live` reads, with
    `hub_source="hub-stats"` (the default), the day's revision of the hub-stats dataset
    `hub_stats_repo` (the whole Hub); with `hub_source="api"`, the model list of every org of
    the developer registry, today only. Both through huggingface_hub at `endpoint`.
    """

    mode: str = "recorded"
    snapshot_dir: str
    catalog_dir: str
    endpoint: str = DEFAULT_HF_ENDPOINT
    token: str | None = None
    registry_csv: str = str(DEVELOPER_REGISTRY_CSV)
    hub_source: str = HUB_SOURCES[0]
    hub_stats_repo: str = DEFAULT_HUB_STATS_REPO

    def source(self) -> SnapshotSource:
        if self.mode == "live" and self.hub_source == "hub-stats":
            repo = HubStatsRepo(self.hub_stats_repo, endpoint=self.endpoint, token=self.token)
            return LiveSource(LiveHubStatsClient(repo))
        if self.mode == "live":
            orgs = tuple(self.registry_orgs())
            return LiveSource(LiveHubClient(endpoint=self.endpoint, orgs=orgs, token=self.token))
        return recorded_hub_source(Path(self.snapshot_dir))

    def registry_orgs(self) -> list[str]:
        return registry_orgs(Path(self.registry_csv))

    def catalog(self) -> DatedFolder:
        return recorded_hub_source(Path(self.catalog_dir))
