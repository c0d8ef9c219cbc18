"""Resources shared by every area: where the data lives."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl

from ingestion.quality.quarantine import Quarantine
from ingestion.raw_store import RawStore


class StorageResource(dg.ConfigurableResource):
    """The data folder: the raw layer, the quarantine and the DuckDB warehouse."""

    data_dir: str

    @property
    def root(self) -> Path:
        return Path(self.data_dir)

    def raw_store(self, dataset: str, schema: pl.Schema) -> RawStore:
        """The dataset's raw store, readable by dbt even before its first fetch."""
        store = RawStore(self.root / "raw", dataset)
        store.ensure_readable(schema)
        return store

    def quarantine(self, dataset: str) -> Quarantine:
        """Refused snapshots of a dataset, outside the raw layer dbt reads."""
        return Quarantine(self.root / "quarantine", dataset)

    @property
    def warehouse_path(self) -> Path:
        """The published warehouse analysts read (see `orchestration.lib.warehouse`)."""
        return self.root / "warehouse.duckdb"

    @property
    def build_warehouse_path(self) -> Path:
        """The private file dbt builds in; the profile points here."""
        return self.root / "build" / "warehouse.duckdb"

    @property
    def dbt_target_path(self) -> Path:
        """dbt's artifacts and its kept parse for this data folder (see `run_dbt`)."""
        return self.root / "build" / "dbt"

    def dbt_env(self) -> dict[str, str]:
        """The environment every dbt invocation gets, so dbt reads and writes where Dagster
        does (the profile and the sources read `DATA_DIR`)."""
        return {"DATA_DIR": self.root.as_posix()}
