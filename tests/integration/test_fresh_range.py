"""A first run on an empty DATA_DIR over days that only one source has (here, Hub days before
the first price snapshot) must succeed: the other source's views read zero rows."""

from __future__ import annotations

import duckdb
import pytest

from orchestration.cli import main

pytestmark = pytest.mark.e2e


def test_first_run_over_hub_days_without_any_price_day(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOURCE_MODE", "recorded")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)

    assert main(["run", "--start", "2026-07-01", "--end", "2026-07-03"]) == 0

    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        (days,) = con.execute(
            "select count(distinct download_date) from marts.fct_model_downloads_daily"
        ).fetchone()
        (priced,) = con.execute(
            "select count(*) from marts.mart_cost_ratio where price_source = 'openrouter'"
        ).fetchone()
    assert days == 3
    assert priced == 0
