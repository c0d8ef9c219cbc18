"""Dagster's SQLite event log with one engine per database file, kept between writes.

Dagster's `SqliteEventLogStorage` makes a new SQLAlchemy engine for every read and write: a
fresh connection, and every statement compiled again, since SQLAlchemy caches compiled
statements per engine. A 60-day run of the demo writes about 850 events (each asset event twice:
the run's file and the index), 4,000 connections, a third of the run process's CPU
(docs/notes/issue-28-one-home.md, "The event log's engines"). This storage keeps the engines of
the few files in use. Same files, same tables: Dagster's own storage reads what it writes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

# Where Dagster's docs name it for dagster.yaml.
from dagster._core.storage.event_log import SqliteEventLogStorage

if TYPE_CHECKING:
    from dagster._serdes import ConfigurableClassData

INDEX_SHARD = "index"
# A run writes to its own file and to the index; the UI reads a few runs at a time.
KEPT_ENGINES = 4
# Dagster's: how long a write waits behind another process's (the UI's, a run's) lock.
BUSY_TIMEOUT_SECONDS = 30


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage`, configured the same way (`base_dir`), through the connections
    every event log storage provides (`run_connection`, `index_connection`)."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, sa.Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        self._tables: set[str] = set()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Any
    ) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def run_connection(self, run_id: str | None = None) -> AbstractContextManager[Any]:
        assert run_id is not None, "a run's events are read and written with its id"
        return self._pooled(run_id, partial(super().run_connection, run_id))

    def index_connection(self) -> AbstractContextManager[Any]:
        return self._pooled(INDEX_SHARD, super().index_connection)

    @contextmanager
    def _pooled(
        self, shard: str, first: Callable[[], AbstractContextManager[Any]]
    ) -> Iterator[sa.Connection]:
        """A connection in one transaction, from the shard's kept engine. A shard's first
        connection is Dagster's own, which creates the file and its tables."""
        with self._engines_lock:
            engine = self._engines.get(shard)
            if engine is None:
                with first():
                    pass
                engine = sa.create_engine(
                    self.conn_string_for_shard(shard),
                    pool_size=1,
                    connect_args={"timeout": BUSY_TIMEOUT_SECONDS},
                )
                self._engines[shard] = engine
                while len(self._engines) > KEPT_ENGINES:
                    self._engines.popitem(last=False)[1].dispose()
            self._engines.move_to_end(shard)
            with engine.connect() as connection, connection.begin():
                yield connection

    def has_table(self, table_name: str) -> bool:
        """Dagster asks before writing each asset event's tags, with an engine of its own each
        time. A table, once there, stays until `wipe` deletes the files."""
        if table_name not in self._tables and super().has_table(table_name):
            self._tables.add(table_name)
        return table_name in self._tables

    def _dispose_engines(self) -> None:
        with self._engines_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        # Dagster's wipe deletes the runs' files: no kept connection may write to a deleted one.
        self._dispose_engines()
        self._tables.clear()
        super().wipe()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()
