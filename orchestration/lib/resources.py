"""Resources shared by every area: where the data lives."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import polars as pl

from ingestion.quality.quarantine import Quarantine
from ingestion.raw_store import RawStore
from orchestration.lib.layout import Dataset, Layout
from orchestration.lib.run_lock import run_lock


class StorageResource(dg.ConfigurableResource):
    """The data folder: the raw layer, the quarantine and the DuckDB warehouse, laid out as
    `orchestration.lib.layout.Layout` says."""

    data_dir: str

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[StorageResource]:
        """Every step that writes holds the DATA_DIR's run lock: runs launched from the UI or
        the schedule queue behind each other and behind `observatory run`, which already holds
        it (the lock is re-entrant in one process)."""
        with run_lock(self.layout.run_lock_path, wait=True):
            yield self

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
