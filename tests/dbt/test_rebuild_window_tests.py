"""The data tests of the daily Hub tables check the rows the build rewrote, not the whole
history (`__run_start_date__` in a test's `where`, replaced by `rebuild_from()`): a bad row from
the rebuild's first day on fails the build, and so does one whose date is null; one before it
is left to a build without a rebuild day, which checks every row.

`fct_model_downloads_daily`'s tests run on `int_hub__model_downloads_daily` (the view selects
every row of it), on the rows whose gap closes from the rebuild's first day on
(`observed_date`), which a run deletes and rewrites."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.layout import REBUILD_FROM_ENV, Layout
from tests.dbt.test_dbt_unit_tests import build_empty, dbt, errors

pytestmark = pytest.mark.e2e

TABLE = "intermediate.int_hub__model_downloads_daily"
REBUILD_FROM = "2026-03-10"
# model_id, download_date, observed_date, downloads
GOOD = [
    ("a/m", "2026-03-08", "2026-03-08", None),
    ("a/m", "2026-03-09", "2026-03-11", 3),
    ("a/m", "2026-03-10", "2026-03-11", 3),
    ("a/m", "2026-03-11", "2026-03-11", 4),
]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """Seeds and every model up to the daily downloads, built empty on an empty raw layer."""
    path = tmp_path_factory.mktemp("window")
    build_empty(path, "+int_hub__model_downloads_daily")
    return path


def load(data_dir: Path, rows: list[tuple]) -> None:
    with duckdb.connect(str(Layout(data_dir).build_warehouse_path)) as con:
        con.execute(f"delete from {TABLE}")
        for model_id, day, observed, downloads in rows:
            gap = None if downloads is None else 1
            con.execute(
                f"insert into {TABLE} (model_id, download_date, observed_date, downloads_all_time,"
                " downloads, is_interpolated, is_counter_correction, observation_gap_days,"
                " derived_at) values (?, ?, ?, 100, ?, false, false, ?, now())",
                [model_id, day, observed, downloads, gap],
            )


def failing_tests(data_dir: Path, monkeypatch, rebuild_from: str | None) -> set[str]:
    if rebuild_from:
        monkeypatch.setenv(REBUILD_FROM_ENV, rebuild_from)
    else:
        monkeypatch.delenv(REBUILD_FROM_ENV, raising=False)
    tested = dbt(
        "test", "--select", "int_hub__model_downloads_daily,test_type:data", data_dir=data_dir
    )
    results = json.loads((data_dir / "target" / "run_results.json").read_text())["results"]
    failed = {r["unique_id"].split(".")[2] for r in results if r["status"] != "pass"}
    assert (tested.returncode != 0) == bool(failed), errors(tested)
    return failed


def test_the_rewritten_rows_pass_and_each_bad_one_fails_its_test(data_dir, monkeypatch):
    load(data_dir, GOOD)
    assert failing_tests(data_dir, monkeypatch, REBUILD_FROM) == set()

    load(
        data_dir,
        [
            *GOOD,
            # The gap closing on 03-11 written twice by a rebuild from 03-10: its day before
            # the window (03-09) included, because its gap closes in it.
            ("a/m", "2026-03-09", "2026-03-11", 3),
            ("a/m", "2026-03-12", "2026-03-12", -5),
            # A row without the observation that closes its gap: no rebuild would delete it.
            ("a/n", "2026-03-01", None, 1),
        ],
    )

    assert failing_tests(data_dir, monkeypatch, REBUILD_FROM) == {
        "fct_model_downloads_daily_one_row_per_model_and_day",
        "fct_model_downloads_daily_downloads_are_never_negative",
        "fct_model_downloads_daily_keys_and_flags_are_never_null",
    }


def test_a_bad_row_before_the_window_is_left_to_a_build_that_checks_every_day(
    data_dir, monkeypatch
):
    load(data_dir, [*GOOD, ("a/m", "2026-03-08", "2026-03-08", None)])

    assert failing_tests(data_dir, monkeypatch, REBUILD_FROM) == set()
    assert failing_tests(data_dir, monkeypatch, None) == {
        "fct_model_downloads_daily_one_row_per_model_and_day"
    }
