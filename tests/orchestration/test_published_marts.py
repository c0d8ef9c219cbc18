"""Publishing the warehouse with a Parquet copy of each mart (`orchestration.lib.warehouse`), on a
small DuckDB file made here: the copies are the marts, the set is swapped whole, a failed export
publishes nothing, a set that does not match is put right, and a full disk at the publish (a real
one: a small tmpfs in a private mount namespace) leaves the last good publish as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingestion.atomic import published_mode
from orchestration.lib.layout import Layout
from orchestration.lib.recovery import remove_leftovers
from orchestration.lib.warehouse import (
    PUBLISHED_FILE,
    marts_match_warehouse,
    publish_warehouse,
    republish_marts,
)
from tests.data import ROOT
from tests.helpers import parquet_marts_differences

pytestmark = pytest.mark.reliability


def build(layout: Layout, rows: int) -> Path:
    """A build warehouse with a table and a view in schema `marts`, and a staging table."""
    path = layout.build_warehouse_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema staging")
        con.execute(
            "create table marts.mart_prices as select range as id, "
            "(range * 0.25)::decimal(38, 18) as price, [range, range + 1] as pair, "
            "{'a': range} as detail, current_date - range::int as day from range(?)",
            [rows],
        )
        con.execute("create view marts.fct_top as select * from marts.mart_prices where id < 3")
        con.execute("create table staging.not_a_mart as select 1 as x")
    return path


def versions(layout: Layout) -> list[str]:
    return sorted(p.name for p in layout.marts_versions_dir.iterdir())


def test_each_mart_is_published_as_parquet_and_the_set_is_swapped_whole(tmp_path):
    layout = Layout(tmp_path)
    publish_warehouse(build(layout, 10), layout.warehouse_path)

    assert parquet_marts_differences(tmp_path) == {}
    assert sorted(p.name for p in layout.marts_dir.glob("*.parquet")) == [
        "fct_top.parquet",
        "mart_prices.parquet",
    ]
    assert layout.marts_dir.is_symlink()
    first = layout.marts_dir.resolve()
    assert marts_match_warehouse(layout)
    modes = {p.stat().st_mode & 0o777 for p in layout.marts_dir.iterdir()}
    assert modes == {published_mode()}

    with (layout.marts_dir / "mart_prices.parquet").open("rb") as reader:  # an analyst reading
        publish_warehouse(build(layout, 20), layout.warehouse_path)
        publish_warehouse(build(layout, 30), layout.warehouse_path)
        assert reader.read(4) == b"PAR1"  # the old file still reads after two publishes

    assert parquet_marts_differences(tmp_path) == {}
    assert len(versions(layout)) == 2 and first.name not in versions(layout)
    assert layout.marts_dir.resolve().name == versions(layout)[-1]


def test_a_failed_export_publishes_nothing(tmp_path):
    layout = Layout(tmp_path)
    publish_warehouse(build(layout, 10), layout.warehouse_path)
    before = (layout.warehouse_path.read_bytes(), layout.marts_dir.resolve())
    path = build(layout, 20)
    with duckdb.connect(str(path)) as con:  # a view over a table that is gone: its export fails
        con.execute("create table staging.t as select 1 as x")
        con.execute("create view marts.broken as select * from staging.t")
        con.execute("drop table staging.t")

    with pytest.raises(duckdb.Error):
        publish_warehouse(path, layout.warehouse_path)

    assert (layout.warehouse_path.read_bytes(), layout.marts_dir.resolve()) == before
    assert remove_leftovers(layout) == []  # no hidden half-written file or folder left


def test_a_set_that_does_not_match_the_warehouse_is_exported_again(tmp_path):
    layout = Layout(tmp_path)
    publish_warehouse(build(layout, 10), layout.warehouse_path)
    # A crash between the two renames of a publish: the warehouse is not the one exported.
    shutil.copyfile(build(layout, 15), layout.warehouse_path)

    assert not marts_match_warehouse(layout)
    assert parquet_marts_differences(tmp_path) != {}
    republish_marts(layout)
    assert marts_match_warehouse(layout)
    assert parquet_marts_differences(tmp_path) == {}
    (layout.marts_dir / PUBLISHED_FILE).unlink()
    assert not marts_match_warehouse(layout)


def can_mount_a_private_tmpfs(folder: Path) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    probe = ["unshare", "-rm", "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)]
    return (
        shutil.which("unshare") is not None
        and subprocess.run(probe, capture_output=True, check=False).returncode == 0
    )


def test_a_full_disk_at_the_publish_names_the_warehouse_and_keeps_the_last_good_one(tmp_path):
    """DATA_DIR is a tmpfs, in a mount namespace of the process that publishes, holding a
    published warehouse with room for little more: the new copy cannot be written."""
    if not can_mount_a_private_tmpfs(tmp_path / "probe"):
        pytest.skip("this machine cannot mount a private tmpfs (`unshare -rm mount -t tmpfs`)")
    staging = Layout(tmp_path / "staging")
    publish_warehouse(build(staging, 10), staging.warehouse_path)
    size = staging.warehouse_path.stat().st_size
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    script = f"""
import shutil, sys
from pathlib import Path
from orchestration.lib.layout import Layout
from orchestration.lib.recovery import remove_leftovers
from orchestration.lib.faults import resource_fault
from orchestration.lib.warehouse import publish_warehouse
staging, layout = Layout(Path({str(staging.data_dir)!r})), Layout(Path({str(data_dir)!r}))
shutil.copyfile(staging.warehouse_path, layout.warehouse_path)
before = layout.warehouse_path.read_bytes()
try:
    publish_warehouse(staging.build_warehouse_path, layout.warehouse_path)
except OSError as error:
    print("error:", resource_fault(error))
print("unchanged:", layout.warehouse_path.read_bytes() == before)
print("leftovers:", remove_leftovers(layout))
"""
    result = subprocess.run(
        [
            "unshare",
            "-rm",
            "sh",
            "-c",
            f'mount -t tmpfs -o size={size + 64 * 1024} tmpfs "$1" && shift && exec "$@"',
            "sh",
            str(data_dir),
            sys.executable,
            "-c",
            script,
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"error: cannot write {data_dir / 'warehouse.duckdb'}: No space left on device" in out
    assert "unchanged: True" in out
    assert "leftovers: []" in out


def test_the_export_takes_duckdbs_memory_limit_from_the_environment(tmp_path, monkeypatch):
    """The export sorts every row of each mart (the daily fact of the whole Hub is hundreds of
    millions): it runs under the same cap as dbt's DuckDB, `OBSERVATORY_DUCKDB_MEMORY_LIMIT`."""
    layout = Layout(tmp_path)
    build(layout, 10)
    monkeypatch.setenv("OBSERVATORY_DUCKDB_MEMORY_LIMIT", "not a size")

    with pytest.raises(duckdb.Error, match="Memory must have a number"):
        publish_warehouse(layout.build_warehouse_path, layout.warehouse_path)
    assert not layout.warehouse_path.exists()

    monkeypatch.setenv("OBSERVATORY_DUCKDB_MEMORY_LIMIT", "100MB")
    publish_warehouse(layout.build_warehouse_path, layout.warehouse_path)
    assert parquet_marts_differences(tmp_path) == {}
