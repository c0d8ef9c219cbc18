"""A first run on an empty DATA_DIR over days that only one source has (here, Hub days and no
price day at all) must succeed: the other source's views read zero rows."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from orchestration.cli.main import main
from tests.conftest import clean_demo_days

pytestmark = pytest.mark.e2e


def test_first_run_over_hub_days_without_any_price_day(tmp_path, monkeypatch):
    recordings = tmp_path / "recordings"
    (recordings / "hub" / "daily").mkdir(parents=True)
    (recordings / "openrouter" / "daily").mkdir(parents=True)
    days = clean_demo_days(3)
    for path in days:
        shutil.copy(path, recordings / "hub" / "daily" / path.name)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SOURCE_MODE", "recorded")
    monkeypatch.setenv("RECORDINGS_DIR", str(recordings))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)

    assert main(["run", "--start", days[0].stem, "--end", days[-1].stem]) == 0

    with duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb"), read_only=True) as con:
        (observed,) = con.execute(
            "select count(distinct download_date) from marts.fct_model_downloads_daily"
        ).fetchone()
        (priced,) = con.execute(
            "select count(*) from marts.mart_cost_ratio where price_source = 'openrouter'"
        ).fetchone()
    assert observed == len(days)
    assert priced == 0
