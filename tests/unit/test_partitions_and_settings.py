from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import pytest

from orchestration.cli.main import default_range
from orchestration.lib.partitions import days_in_window, days_to_dbt_env, run_days
from orchestration.lib.settings import PROJECT_ROOT, Settings, SettingsError


def window(start: str, end: str) -> dg.TimeWindow:
    return dg.TimeWindow(
        dt.datetime.fromisoformat(f"{start}T00:00:00+00:00"),
        dt.datetime.fromisoformat(f"{end}T00:00:00+00:00"),
    )


def test_a_scheduled_run_covers_its_partition_day():
    days = run_days({"dagster/partition": "2026-05-03"})

    assert days == (dt.date(2026, 5, 3), dt.date(2026, 5, 3))
    assert days_to_dbt_env(*days) == {
        "OBSERVATORY_START_DATE": "2026-05-03",
        "OBSERVATORY_END_DATE": "2026-05-03",
    }


def test_a_range_run_covers_its_range_and_a_run_without_days_covers_none():
    tags = {
        "dagster/asset_partition_range_start": "2026-05-30",
        "dagster/asset_partition_range_end": "2026-06-01",
    }

    assert run_days(tags) == (dt.date(2026, 5, 30), dt.date(2026, 6, 1))
    assert run_days({"dagster/backfill": "x"}) is None


def test_a_partition_window_covers_every_day_with_an_exclusive_end():
    days = days_in_window(window("2026-05-30", "2026-06-02"))

    assert days == [dt.date(2026, 5, 30), dt.date(2026, 5, 31), dt.date(2026, 6, 1)]


def test_settings_default_to_the_demo_data_in_the_data_dir():
    settings = Settings.from_env({})

    assert settings.source_mode == "recorded"
    assert settings.uses_demo
    assert settings.data_dir == PROJECT_ROOT / "data"
    assert settings.layout.warehouse_path == PROJECT_ROOT / "data" / "warehouse.duckdb"
    assert settings.hub_snapshot_dir == PROJECT_ROOT / "data" / "demo" / "hub" / "daily"
    assert settings.hub_catalog_dir == PROJECT_ROOT / "data" / "demo" / "hub"
    assert settings.prices_snapshot_dir == PROJECT_ROOT / "data" / "demo" / "openrouter" / "daily"
    assert settings.openrouter_base_url == "https://openrouter.ai/api/v1"


def test_recordings_dir_points_every_source_at_the_shared_layout(tmp_path):
    settings = Settings.from_env({"RECORDINGS_DIR": str(tmp_path)})

    assert not settings.uses_demo
    assert settings.hub_snapshot_dir == tmp_path / "hub" / "daily"
    assert settings.hub_catalog_dir == tmp_path / "hub"
    assert settings.prices_snapshot_dir == tmp_path / "openrouter" / "daily"
    assert settings.rankings_snapshot_dir == tmp_path / "openrouter" / "rankings_daily"


def test_a_recordings_dir_that_is_not_a_folder_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="RECORDINGS_DIR"):
        Settings.from_env({"RECORDINGS_DIR": str(tmp_path / "nowhere")})


def test_price_settings_come_from_the_environment(tmp_path):
    settings = Settings.from_env(
        {"PRICES_SNAPSHOT_DIR": str(tmp_path), "OPENROUTER_BASE_URL": "http://127.0.0.1:9/api/v1"}
    )

    assert settings.prices_snapshot_dir == tmp_path
    assert settings.openrouter_base_url == "http://127.0.0.1:9/api/v1"


def test_the_default_run_covers_the_hub_and_the_price_days(demo):
    settings = Settings.from_env({"RECORDINGS_DIR": demo.out_dir})
    days = [*demo.hub_days, *demo.price_days]

    assert default_range(settings) == (min(days), max(days))


def test_relative_paths_are_taken_from_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    settings = Settings.from_env({"DATA_DIR": "mine", "SOURCE_MODE": "LIVE"})

    assert settings.data_dir == Path(tmp_path / "mine").resolve()
    assert settings.source_mode == "live"


def test_an_unknown_source_mode_is_refused():
    with pytest.raises(SettingsError, match="SOURCE_MODE"):
        Settings.from_env({"SOURCE_MODE": "replay"})
