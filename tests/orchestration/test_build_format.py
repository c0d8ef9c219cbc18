"""A build warehouse made by an older version of the incremental models is rebuilt, not
refused by dbt: the next run removes it and dbt builds every model from the raw layer."""

from __future__ import annotations

import duckdb

from orchestration.lib.layout import Layout
from orchestration.lib.recovery import BUILD_FORMAT, rebuild_older_build


def make_build(layout: Layout) -> None:
    layout.build_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(layout.build_warehouse_path)) as con:
        con.execute("create table t as select 1 as x")


def test_a_build_made_before_the_stamp_is_removed_and_the_stamp_written(tmp_path):
    layout = Layout(tmp_path)
    make_build(layout)
    published = layout.warehouse_path
    published.write_bytes(b"the last good marts")

    done = rebuild_older_build(layout)

    assert done and "format 1" in done and str(layout.build_warehouse_path) in done
    assert not layout.build_warehouse_path.exists()
    assert published.read_bytes() == b"the last good marts"
    assert (layout.build_dir / "FORMAT").read_text().strip() == str(BUILD_FORMAT)


def test_a_build_of_this_format_and_a_first_build_are_left_alone(tmp_path):
    layout = Layout(tmp_path)
    assert rebuild_older_build(layout) is None  # nothing built yet: only the stamp
    make_build(layout)
    assert rebuild_older_build(layout) is None
    assert layout.build_warehouse_path.exists()
