"""Resources shared by every area: where the data lives."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl

from ingestion.quality.quarantine import Quarantine
from ingestion.raw_store import RawStore
from orchestration.lib.layout import Dataset, Layout


class StorageResource(dg.ConfigurableResource):
    """The data folder: the raw layer, the quarantine and the DuckDB warehouse, laid out as
    `orchestration.lib.layout.Layout` says."""

    data_dir: str

    @property
    def layout(self) -> Layout:
        return Layout(Path(self.data_dir))

    def raw_store(self, dataset: Dataset, schema: pl.Schema) -> RawStore:
        """The dataset's raw store, readable by dbt even before its first fetch."""
        store = RawStore(self.layout.raw_dir, dataset)
        store.ensure_readable(schema)
        return store

    def quarantine(self, dataset: Dataset) -> Quarantine:
        """Refused snapshots of a dataset, outside the raw layer dbt reads."""
        return Quarantine(self.layout.quarantine_dir, dataset)
