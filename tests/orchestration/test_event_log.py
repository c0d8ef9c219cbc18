"""The event log with kept engines (`orchestration.lib.event_log`): what it writes is what
Dagster's own storage reads, it survives a wipe, and it holds a bounded number of files open."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import dagster as dg
from dagster._core.storage.event_log import SqliteEventLogStorage

from orchestration.lib.event_log import KEPT_ENGINES, PooledSqliteEventLogStorage
from orchestration.lib.instance import persistent_instance
from tests.helpers import files_held_open


@dg.asset
def counted() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows": 3})


def materialize(instance: dg.DagsterInstance) -> str:
    result = dg.materialize([counted], instance=instance)
    assert result.success
    return result.run_id


def events_dir(home: Path) -> str:
    return str(home / "history" / "runs")


def test_the_home_records_runs_that_dagsters_own_storage_reads(tmp_path):
    home = tmp_path / "dagster"
    instance = persistent_instance(home)
    try:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        run_ids = [materialize(instance) for _ in range(2)]
        ours = [instance.all_logs(run_id) for run_id in run_ids]
    finally:
        instance.dispose()

    plain = SqliteEventLogStorage(events_dir(home))
    theirs = [plain.get_logs_for_run(run_id) for run_id in run_ids]
    assert [len(events) for events in theirs] == [len(events) for events in ours]
    assert all(len(events) > 5 for events in theirs)
    assert theirs == ours
    # The index (where the UI finds an asset's latest materialization) has the second run's.
    latest = plain.get_latest_materialization_events([dg.AssetKey("counted")])
    assert latest[dg.AssetKey("counted")].run_id == run_ids[1]


def test_a_wipe_leaves_no_connection_to_a_deleted_file(tmp_path):
    storage = PooledSqliteEventLogStorage(str(tmp_path))
    instance = dg.DagsterInstance.ephemeral(tmp_path / "unused")
    run_id = materialize(instance)
    events = instance.all_logs(run_id)
    try:
        for event in events:
            storage.store_event(event)
        storage.wipe()
        for event in events:
            storage.store_event(event)
    finally:
        storage.dispose()
        instance.dispose()
    assert len(SqliteEventLogStorage(str(tmp_path)).get_logs_for_run(run_id)) == len(events)


def test_it_keeps_a_few_files_open_however_many_runs_it_reads(tmp_path):
    home = tmp_path / "dagster"
    instance = persistent_instance(home)
    try:
        run_ids = [materialize(instance) for _ in range(KEPT_ENGINES + 3)]
        for run_id in run_ids:
            assert instance.all_logs(run_id)
        open_files = [
            path for path in files_held_open(Path(events_dir(home))) if path.suffix == ".db"
        ]
        # The index and the runs' files read last.
        assert 1 <= len(open_files) <= KEPT_ENGINES
    finally:
        instance.dispose()


def test_it_asks_sqlite_whether_a_table_exists_once_until_a_wipe(tmp_path):
    storage = PooledSqliteEventLogStorage(str(tmp_path))

    def index() -> contextlib.closing[sqlite3.Connection]:
        return contextlib.closing(sqlite3.connect(tmp_path / "index.db"))

    def tables() -> set[str]:
        with index() as con:
            return {name for (name,) in con.execute("select name from sqlite_master")}

    try:
        assert storage.has_table("asset_event_tags")
        with index() as con:
            con.execute("drop table asset_event_tags")
        # Its answer is kept: the file is not read again (a table only goes with a wipe).
        assert storage.has_table("asset_event_tags")
        storage.wipe()  # the files deleted; the tables come back with the next write
        assert "asset_event_tags" not in tables()
        # After a wipe it asks again.
        assert not storage.has_table("asset_event_tags")
    finally:
        storage.dispose()
