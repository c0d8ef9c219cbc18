"""A mart published as a view over its parts (`orchestration.lib.marts_composed`): the published
warehouse reads the same rows as the build's view, from the files of the relations it reads; a
publish after a change writes the changed month of the model-days and the cutoffs, and links the
rest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.layout import Layout
from orchestration.lib.warehouse import publish_warehouse
from tests.helpers import parquet_marts_differences

pytestmark = pytest.mark.reliability

MART = "mart_relative_adoption"
AGES = "intermediate.int_adoption__model_ages"
CUTOFFS = "intermediate.int_adoption__relative_cutoffs"
USAGE = "intermediate.int_openrouter__usage"


def build(layout: Layout) -> Path:
    """A build as dbt leaves it: the parts as tables, the mart a view over them, created under a
    temporary name and renamed (DuckDB keeps the view's SQL re-written then)."""
    path = layout.build_warehouse_path
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog = path.stem
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema intermediate")
        con.execute(
            f"create table {AGES} as select 'm' || (range % 20) as model_id, "
            "DATE '2025-01-20' + (range // 20)::int as snapshot_date, (range // 20)::int as age_days, "
            "(range * 37 % 101)::bigint as downloads_all_time from range(20 * 30)"
        )
        con.execute(
            f"create table {CUTOFFS} as select age_days, "
            "(max(downloads_all_time, 10))[10] as reference_downloads from "
            f"{AGES} group by age_days"
        )
        con.execute(f"create table {USAGE} as select TIMESTAMP '2025-02-18 02:00:00' as as_of")
        con.execute(
            f'create view "{catalog}"."marts"."{MART}__dbt_tmp" as (\n'
            f'  with ages as (select * from "{catalog}"."intermediate"."int_adoption__model_ages"),\n'
            f'  cutoffs as (select * from "{catalog}"."intermediate"."int_adoption__relative_cutoffs"),\n'
            f'  newest as (select max(as_of) as as_of from "{catalog}"."intermediate"."int_openrouter__usage")\n'
            "  select ages.*, cutoffs.reference_downloads, cast(ages.downloads_all_time as double) "
            "/ nullif(cutoffs.reference_downloads, 0) as relative_adoption, newest.as_of\n"
            "  from ages inner join cutoffs on ages.age_days = cutoffs.age_days cross join newest\n);"
        )
        con.execute(f'alter view "{catalog}"."marts"."{MART}__dbt_tmp" rename to "{MART}"')
        con.execute(f"comment on view marts.{MART} is 'relative adoption'")
    return path


def files(layout: Layout) -> dict[str, int]:
    marts = layout.marts_dir.resolve()
    return {p.relative_to(marts).as_posix(): p.stat().st_ino for p in marts.rglob("*.parquet")}


def test_the_published_view_reads_the_builds_rows_from_the_parts(tmp_path):
    layout = Layout(tmp_path)
    publish_warehouse(build(layout), layout.warehouse_path)

    assert sorted(files(layout)) == [
        f"{MART}/int_adoption__model_ages/2025-01.parquet",
        f"{MART}/int_adoption__model_ages/2025-02.parquet",
        f"{MART}/int_adoption__relative_cutoffs.parquet",
        f"{MART}/int_openrouter__usage.parquet",
    ]
    assert parquet_marts_differences(tmp_path) == {}
    with duckdb.connect(str(layout.warehouse_path), read_only=True) as con:
        (rows,) = con.execute(f"select count(*) from marts.{MART}").fetchone()
        (comment,) = con.execute(
            "select comment from duckdb_views() where view_name = ?", [MART]
        ).fetchone()
    assert (rows, comment) == (600, "relative adoption")


def test_a_publish_writes_the_changed_month_and_the_cutoffs_and_links_the_rest(tmp_path):
    layout = Layout(tmp_path)
    publish_warehouse(build(layout), layout.warehouse_path)
    before = files(layout)
    with duckdb.connect(str(layout.build_warehouse_path)) as con:
        con.execute(
            f"update {AGES} set downloads_all_time = downloads_all_time + 1000 "
            "where model_id = 'm3' and snapshot_date = ?",
            [dt.date(2025, 2, 10)],
        )
        con.execute(
            f"create or replace table {CUTOFFS} as select age_days, "
            f"(max(downloads_all_time, 10))[10] + 1 as reference_downloads from {AGES} group by age_days"
        )

    publication = publish_warehouse(layout.build_warehouse_path, layout.warehouse_path)

    assert sorted(publication.written) == [
        f"{MART}/int_adoption__model_ages/2025-02.parquet",
        f"{MART}/int_adoption__relative_cutoffs.parquet",
    ]
    after = files(layout)
    for unchanged in (
        f"{MART}/int_adoption__model_ages/2025-01.parquet",
        f"{MART}/int_openrouter__usage.parquet",
    ):
        assert after[unchanged] == before[unchanged]
    assert parquet_marts_differences(tmp_path) == {}


def test_only_the_months_with_rows_derived_since_the_last_publish_are_hashed_again(tmp_path):
    layout = Layout(tmp_path)
    path = build(layout)
    with duckdb.connect(str(path)) as con:
        con.execute(
            f"alter table {AGES} add column derived_at timestamp "
            "default TIMESTAMP '2025-03-01 00:00:00'"
        )
    publish_warehouse(path, layout.warehouse_path)
    with duckdb.connect(str(path)) as con:
        # A build that rewrote one February day: its rows carry the build's stamp.
        con.execute(
            f"update {AGES} set downloads_all_time = downloads_all_time + 1, "
            "derived_at = TIMESTAMP '2025-03-02 00:00:00' where snapshot_date = ?",
            [dt.date(2025, 2, 10)],
        )
        # A January row changed without a newer stamp, which no build does: had January been
        # hashed again, its file would be written.
        con.execute(
            f"update {AGES} set downloads_all_time = downloads_all_time + 1 "
            "where snapshot_date = ? and model_id = 'm1'",
            [dt.date(2025, 1, 25)],
        )

    publication = publish_warehouse(path, layout.warehouse_path)

    ages = f"{MART}/int_adoption__model_ages"
    assert f"{ages}/2025-02.parquet" in publication.written
    assert f"{ages}/2025-01.parquet" in publication.linked
    published = layout.marts_dir.resolve() / ages / "2025-02.parquet"
    with duckdb.connect() as con:
        columns = [
            c for (c,) in con.execute(f"select name from parquet_schema('{published}')").fetchall()
        ]
    assert "downloads_all_time" in columns and "derived_at" not in columns
