"""Publishing the marts (`orchestration.lib.warehouse`, `orchestration.lib.marts_files`) on a
small build warehouse made here: every mart is published as built, the daily fact by month; a
publish writes what changed and links the rest (same inode, same mtime); a rerun is identical to
the bit; a failed publish leaves the previous version readable; a reader opened before a publish
keeps its version; a crash between the two renames is put right; a full disk at the publish (a
real one: a small tmpfs in a private mount namespace) leaves the last good publish as it was."""

from __future__ import annotations

import datetime as dt
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
    MAX_VERSIONS,
    STAMP_FORMAT,
    prune_versions,
    publication_matches,
    publish_warehouse,
    repair_publication,
)
from tests.data import ROOT
from tests.helpers import parquet_marts_differences

pytestmark = pytest.mark.reliability

FACT = "fct_model_downloads_daily"
SOURCE = "intermediate.int_hub__model_downloads_daily"
JANUARY = dt.date(2025, 1, 1)


def build(layout: Layout, rows: int = 10) -> Path:
    """A build warehouse as dbt leaves it: a table and a view in schema `marts`, the daily fact
    (a view over an intermediate table whose rows carry `derived_at`) over January to March,
    a staging table, descriptions."""
    path = layout.build_warehouse_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema staging; create schema intermediate")
        con.execute(
            "create table marts.mart_prices as select range as id, "
            "(range * 0.25)::decimal(18, 6) as price, [range, range + 1] as pair, "
            "{'a': range} as detail, DATE '2025-01-01' + range::int as day from range(?)",
            [rows],
        )
        con.execute("create view marts.fct_top as select * from marts.mart_prices where id < 3")
        con.execute("comment on table marts.mart_prices is 'prices, one row per id'")
        con.execute("comment on column marts.mart_prices.price is 'USD per million tokens'")
        con.execute(
            f"create table {SOURCE} as select model_id, download_date, "
            "(model_id * 7 + day_index) as downloads, TIMESTAMP '2025-04-01 00:00:00' as derived_at "
            "from (select range % 4 as model_id, range // 4 as day_index, "
            "DATE '2025-01-01' + (range // 4)::int as download_date from range(4 * 90))"
        )
        con.execute(
            f"create view marts.{FACT} as select model_id, download_date, downloads from {SOURCE}"
        )
        con.execute(f"comment on view marts.{FACT} is 'downloads per model per day'")
        con.execute("create table staging.not_a_mart as select 1 as x")
    return path


def change(layout: Layout, sql: str) -> None:
    with duckdb.connect(str(layout.build_warehouse_path)) as con:
        con.execute(sql)


def files(layout: Layout) -> dict[str, tuple[int, int]]:
    """Each published file: (inode, mtime in ns)."""
    marts = layout.marts_dir.resolve()
    return {
        p.relative_to(marts).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(marts.rglob("*.parquet"))
    }


def read(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def another_process_reads(path: Path, sql: str) -> str:
    code = "import duckdb, sys; print(duckdb.connect(sys.argv[1], read_only=True).sql(sys.argv[2]).fetchall())"
    return subprocess.run(
        [sys.executable, "-c", code, str(path), sql],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()


def test_every_mart_is_published_as_built_and_the_warehouse_reads_it(tmp_path):
    layout = Layout(tmp_path)
    publication = publish_warehouse(build(layout), layout.warehouse_path)

    assert parquet_marts_differences(tmp_path) == {}
    assert sorted(files(layout)) == [
        f"{FACT}/2025-01.parquet",
        f"{FACT}/2025-02.parquet",
        f"{FACT}/2025-03.parquet",
        "fct_top.parquet",
        "mart_prices.parquet",
    ]
    assert publication.linked == () and len(publication.written) == 5
    assert layout.marts_dir.is_symlink() and publication_matches(layout)
    assert {p.stat().st_mode & 0o777 for p in layout.marts_dir.rglob("*.parquet")} == {
        published_mode()
    }
    # The descriptions are DuckDB comments of the views, as dbt's persist_docs gave them.
    assert read(
        layout.warehouse_path,
        "select view_name, comment from duckdb_views() where schema_name = 'marts' order by 1",
    ) == [("fct_model_downloads_daily", "downloads per model per day"), ("fct_top", None), (
        "mart_prices", "prices, one row per id")]  # fmt: skip
    assert read(
        layout.warehouse_path,
        "select comment from duckdb_columns() where table_name = 'mart_prices' "
        "and column_name = 'price'",
    ) == [("USD per million tokens",)]
    assert read(layout.warehouse_path, "select version from publication.version") == [
        (publication.version.name,)
    ]


def test_a_run_rewrites_the_months_and_marts_it_changed_and_links_the_rest(tmp_path):
    layout = Layout(tmp_path)
    publish_warehouse(build(layout), layout.warehouse_path)
    before = files(layout)
    # A daily run: the newest day's rows derived again, and a new day; one mart changed.
    change(
        layout,
        f"delete from {SOURCE} where download_date = DATE '2025-03-31'; "
        f"insert into {SOURCE} select range, DATE '2025-03-31' + day::int, 100 + range, "
        "TIMESTAMP '2025-04-02 00:00:00' from range(4) cross join range(2) as d(day); "
        "update marts.mart_prices set price = price + 1 where id = 5",
    )

    publication = publish_warehouse(layout.build_warehouse_path, layout.warehouse_path)

    after = files(layout)
    assert sorted(publication.written) == [
        f"{FACT}/2025-03.parquet",
        f"{FACT}/2025-04.parquet",
        "mart_prices.parquet",
    ]
    unchanged = [f"{FACT}/2025-01.parquet", f"{FACT}/2025-02.parquet", "fct_top.parquet"]
    assert sorted(publication.linked) == unchanged
    for name in unchanged:  # the same file: same inode, never rewritten
        assert after[name] == before[name], name
    for name in ("mart_prices.parquet", f"{FACT}/2025-03.parquet"):
        assert after[name][0] != before[name][0], name
    assert parquet_marts_differences(tmp_path) == {}


def test_the_rows_a_failed_run_derived_are_published_by_the_next_good_one(tmp_path):
    layout = Layout(tmp_path)
    publish_warehouse(build(layout), layout.warehouse_path)
    # A run re-derived February in the build, then failed its tests: nothing was published.
    change(
        layout,
        f"update {SOURCE} set downloads = downloads + 1, derived_at = TIMESTAMP '2025-04-02' "
        "where download_date between DATE '2025-02-10' and DATE '2025-02-12'",
    )
    # The next run re-derives only its own day, in March.
    change(
        layout,
        f"update {SOURCE} set downloads = downloads + 1, derived_at = TIMESTAMP '2025-04-03' "
        "where download_date = DATE '2025-03-31'",
    )

    publication = publish_warehouse(layout.build_warehouse_path, layout.warehouse_path)

    assert sorted(publication.written) == [f"{FACT}/2025-02.parquet", f"{FACT}/2025-03.parquet"]
    assert parquet_marts_differences(tmp_path) == {}


def test_a_month_before_the_rebuilt_days_whose_rows_went_is_rewritten(tmp_path):
    """A gap deleted with an evicted day leaves no re-derived row; its month's count moved."""
    layout = Layout(tmp_path)
    publish_warehouse(build(layout), layout.warehouse_path)
    before = files(layout)
    change(layout, f"delete from {SOURCE} where download_date = DATE '2025-01-15'")

    publication = publish_warehouse(layout.build_warehouse_path, layout.warehouse_path)

    assert publication.written == (f"{FACT}/2025-01.parquet",)
    assert files(layout)[f"{FACT}/2025-02.parquet"] == before[f"{FACT}/2025-02.parquet"]
    assert parquet_marts_differences(tmp_path) == {}


def test_a_rebuild_from_scratch_publishes_the_same_files_to_the_bit(tmp_path):
    layout = Layout(tmp_path / "incremental")
    publish_warehouse(build(layout), layout.warehouse_path)
    change(layout, f"update {SOURCE} set derived_at = TIMESTAMP '2025-05-01 00:00:00'")
    first = files(layout)

    again = publish_warehouse(layout.build_warehouse_path, layout.warehouse_path)
    fresh = Layout(tmp_path / "fresh")
    fresh.build_dir.mkdir(parents=True)
    shutil.copyfile(layout.build_warehouse_path, fresh.build_warehouse_path)
    publish_warehouse(fresh.build_warehouse_path, fresh.warehouse_path)

    assert again.written == () and files(layout) == first  # every row re-derived, none changed
    ours, theirs = layout.marts_dir.resolve(), fresh.marts_dir.resolve()
    assert sorted(files(fresh)) == sorted(first)
    for name in first:
        assert (ours / name).read_bytes() == (theirs / name).read_bytes(), name


def test_a_failed_publish_leaves_the_previous_version_readable(tmp_path):
    layout = Layout(tmp_path)
    publish_warehouse(build(layout), layout.warehouse_path)
    good = read(layout.warehouse_path, "select sum(price) from marts.mart_prices")
    version = layout.marts_dir.resolve()
    change(  # a second change, and a view over a table that is gone: its export fails
        layout,
        "update marts.mart_prices set price = 0; create table staging.t as select 1 as x; "
        "create view marts.broken as select * from staging.t; drop table staging.t",
    )

    with pytest.raises(duckdb.Error):
        publish_warehouse(layout.build_warehouse_path, layout.warehouse_path)

    assert layout.marts_dir.resolve() == version
    assert read(layout.warehouse_path, "select sum(price) from marts.mart_prices") == good
    assert remove_leftovers(layout) == []  # no hidden half-written file or folder left


def test_a_reader_opened_before_a_publish_keeps_its_version(tmp_path):
    layout = Layout(tmp_path)
    publish_warehouse(build(layout, rows=10), layout.warehouse_path)
    both = (
        "select (select count(*) from marts.mart_prices), (select count(*) from marts.fct_top), "
        f"(select count(*) from marts.{FACT})"
    )
    with (
        duckdb.connect(str(layout.warehouse_path), read_only=True) as reader,
        (layout.marts_dir / "mart_prices.parquet").open("rb") as handle,
    ):
        assert reader.execute(both).fetchall() == [(10, 3, 360)]
        publish_warehouse(build(layout, rows=20), layout.warehouse_path)
        change(layout, f"delete from {SOURCE} where download_date >= DATE '2025-03-01'")
        publish_warehouse(layout.build_warehouse_path, layout.warehouse_path)

        # Not blocked, and not a mix: the marts as they were when it connected.
        assert reader.execute(both).fetchall() == [(10, 3, 360)]
        assert handle.read(4) == b"PAR1"
        # A new reader (another process: DuckDB shares one open file per path in a process).
        assert another_process_reads(layout.warehouse_path, both) == "[(20, 3, 236)]"


def test_a_crash_between_the_two_renames_is_put_right(tmp_path):
    layout = Layout(tmp_path)
    publish_warehouse(build(layout, rows=10), layout.warehouse_path)
    old = tmp_path / "old.duckdb"
    shutil.copyfile(layout.warehouse_path, old)
    publish_warehouse(build(layout, rows=20), layout.warehouse_path)
    # The link renamed onto the new version, the warehouse not yet replaced.
    shutil.copyfile(old, layout.warehouse_path)

    assert not publication_matches(layout)
    assert repair_publication(layout) == layout.marts_dir.resolve()
    assert publication_matches(layout)
    assert read(layout.warehouse_path, "select count(*) from marts.mart_prices") == [(20,)]


def test_versions_are_kept_a_day_after_they_are_replaced_and_at_most_a_few(tmp_path):
    now = dt.datetime(2025, 6, 10, 12, tzinfo=dt.UTC)
    hours = [-50, -30, -20, -3, -2, -1, 0]
    names = [(now + dt.timedelta(hours=h)).strftime(STAMP_FORMAT) for h in hours]
    for name in names:
        (tmp_path / name).mkdir()

    prune_versions(tmp_path, tmp_path / names[-1], now=now)
    # -50 was replaced at -30 (over a day ago); -30 at -20, within the day.
    assert sorted(p.name for p in tmp_path.iterdir()) == names[1:]

    many = [(now + dt.timedelta(minutes=m)).strftime(STAMP_FORMAT) for m in range(1, 12)]
    for name in many:
        (tmp_path / name).mkdir()
    prune_versions(tmp_path, tmp_path / many[-1], now=now)
    assert sorted(p.name for p in tmp_path.iterdir()) == many[-MAX_VERSIONS:]


def can_mount_a_private_tmpfs(folder: Path) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    probe = ["unshare", "-rm", "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)]
    return (
        shutil.which("unshare") is not None
        and subprocess.run(probe, capture_output=True, check=False).returncode == 0
    )


def test_a_full_disk_at_the_publish_names_what_it_wrote_and_keeps_the_last_good_one(tmp_path):
    """DATA_DIR is a small tmpfs, in a mount namespace of the process that publishes: a first
    publish fits, then a ballast leaves no room for the next one's new files."""
    if not can_mount_a_private_tmpfs(tmp_path / "probe"):
        pytest.skip("this machine cannot mount a private tmpfs (`unshare -rm mount -t tmpfs`)")
    staging = Layout(tmp_path / "staging")
    small, large = tmp_path / "small.duckdb", tmp_path / "large.duckdb"
    shutil.copyfile(build(staging, rows=10), small)
    shutil.copyfile(build(staging, rows=50_000), large)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    script = f"""
import shutil
from pathlib import Path
from orchestration.lib.layout import Layout
from orchestration.lib.recovery import remove_leftovers
from orchestration.lib.faults import resource_fault
from orchestration.lib.warehouse import publish_warehouse
layout = Layout(Path({str(data_dir)!r}))
layout.build_dir.mkdir()
shutil.copyfile({str(small)!r}, layout.build_warehouse_path)
publish_warehouse(layout.build_warehouse_path, layout.warehouse_path)
before = (layout.warehouse_path.read_bytes(), layout.marts_dir.resolve())
shutil.copyfile({str(large)!r}, layout.build_warehouse_path)
with open(layout.data_dir / "ballast", "wb") as ballast:  # room for small things, not the marts
    ballast.write(b"\\0" * (shutil.disk_usage(layout.data_dir).free - 96 * 1024))
try:
    publish_warehouse(layout.build_warehouse_path, layout.warehouse_path)
except OSError as error:
    print("error:", resource_fault(error))
print("unchanged:", (layout.warehouse_path.read_bytes(), layout.marts_dir.resolve()) == before)
print("leftovers:", remove_leftovers(layout))
"""
    result = subprocess.run(
        [
            "unshare",
            "-rm",
            "sh",
            "-c",
            'mount -t tmpfs -o size=8m tmpfs "$1" && shift && exec "$@"',
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
    assert f"error: cannot write {data_dir / 'marts-versions'}/" in out, out
    assert "No space left on device" in out
    assert "unchanged: True" in out
    assert "leftovers: []" in out


def test_the_export_takes_duckdbs_memory_limit_from_the_environment(tmp_path, monkeypatch):
    """The export sorts every row of each file it writes (a month of the whole Hub's daily fact
    is tens of millions): it runs under the same cap as dbt's DuckDB,
    `OBSERVATORY_DUCKDB_MEMORY_LIMIT`."""
    layout = Layout(tmp_path)
    build(layout)
    monkeypatch.setenv("OBSERVATORY_DUCKDB_MEMORY_LIMIT", "not a size")

    with pytest.raises(duckdb.Error, match="Memory must have a number"):
        publish_warehouse(layout.build_warehouse_path, layout.warehouse_path)
    assert not layout.warehouse_path.exists()

    monkeypatch.setenv("OBSERVATORY_DUCKDB_MEMORY_LIMIT", "100MB")
    publish_warehouse(layout.build_warehouse_path, layout.warehouse_path)
    assert parquet_marts_differences(tmp_path) == {}
