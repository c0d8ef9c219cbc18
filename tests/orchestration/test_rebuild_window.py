"""The days dbt rebuilds, decided in Python before dbt starts (orchestration/lib/rebuild_window.py).
The marts these windows give are compared with a full build in tests/pipeline (test_pipeline_e2e,
test_quarantine_e2e)."""

from __future__ import annotations

import datetime as dt

import duckdb

from orchestration.lib.layout import REBUILD_FROM_ENV, Layout
from orchestration.lib.rebuild_window import rebuild_env, rebuild_from, stored_days

DAYS = [dt.date(2026, 5, day) for day in range(1, 7)]


def test_a_daily_run_rebuilds_its_own_day_only():
    assert rebuild_from(DAYS[-1], DAYS, DAYS[:-1]) == DAYS[-1]


def test_a_day_evicted_from_the_raw_layer_moves_the_rebuild_back_to_it():
    raw = [day for day in DAYS if day != DAYS[2]]

    assert rebuild_from(DAYS[-1], raw, DAYS[:-1]) == DAYS[2]


def test_a_day_admitted_outside_the_run_moves_the_rebuild_back_to_it():
    stored = [day for day in DAYS[:-1] if day != DAYS[1]]

    assert rebuild_from(DAYS[-1], DAYS, stored) == DAYS[1]


def test_a_rerun_in_the_middle_rebuilds_from_its_first_day():
    assert rebuild_from(DAYS[2], DAYS, DAYS) == DAYS[2]


def test_a_first_build_starts_at_the_run():
    assert rebuild_from(DAYS[0], DAYS, None) == DAYS[0]


def test_the_stored_days_are_read_from_the_builds_snapshot_days(tmp_path):
    layout = Layout(tmp_path)
    assert stored_days(layout.build_warehouse_path) is None
    layout.build_dir.mkdir()
    with duckdb.connect(str(layout.build_warehouse_path)) as con:
        con.execute("create schema intermediate")
    assert stored_days(layout.build_warehouse_path) is None

    with duckdb.connect(str(layout.build_warehouse_path)) as con:
        con.execute("create table intermediate.int_hub__snapshot_days (snapshot_date date)")
        con.executemany(
            "insert into intermediate.int_hub__snapshot_days values (?)", [[d] for d in DAYS[:2]]
        )

    assert stored_days(layout.build_warehouse_path) == set(DAYS[:2])


def test_dbt_gets_the_first_day_through_one_variable():
    assert rebuild_env(DAYS[3]) == {REBUILD_FROM_ENV: "2026-05-04"}
    assert REBUILD_FROM_ENV == "OBSERVATORY_REBUILD_FROM"
