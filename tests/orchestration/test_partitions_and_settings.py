from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import pytest

from orchestration.daily_run import default_range
from orchestration.lib.days import daily_partitions, existing_days
from orchestration.lib.partitions import (
    data_partitions,
    days_in_window,
    partition_days,
    run_days,
)
from orchestration.lib.settings import PROJECT_ROOT, Settings, SettingsError


def window(start: str, end: str) -> dg.TimeWindow:
    return dg.TimeWindow(
        dt.datetime.fromisoformat(f"{start}T00:00:00+00:00"),
        dt.datetime.fromisoformat(f"{end}T00:00:00+00:00"),
    )


def test_a_scheduled_run_covers_its_partition_day():
    days = run_days({"dagster/partition": "2026-05-03"})

    assert days == (dt.date(2026, 5, 3), dt.date(2026, 5, 3))


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

    assert default_range(settings)[:2] == (min(days), max(days))


def test_relative_paths_are_taken_from_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    settings = Settings.from_env({"DATA_DIR": "mine", "SOURCE_MODE": "LIVE"})

    assert settings.data_dir == Path(tmp_path / "mine").resolve()
    assert settings.source_mode == "live"


def test_an_unknown_source_mode_is_refused():
    with pytest.raises(SettingsError, match="SOURCE_MODE"):
        Settings.from_env({"SOURCE_MODE": "replay"})


def days(*isodays: str) -> list[dt.date]:
    return [dt.date.fromisoformat(day) for day in isodays]


TODAY = dt.date(2026, 11, 26)


def test_recorded_partitions_are_the_days_with_a_file_and_nothing_around_them():
    partitions = data_partitions(
        days("2026-05-03", "2026-05-04", "2026-05-07"), live=False, today=TODAY
    )

    assert partition_days(partitions) == days("2026-05-03", "2026-05-04", "2026-05-07")


def test_without_any_recorded_day_there_is_no_partition():
    assert partition_days(data_partitions([], live=False, today=TODAY)) == []


def test_live_partitions_run_from_the_first_stored_day_to_yesterday_without_holes():
    # Dagster ends open partitions at the last day that has ended, by the real clock.
    today = dt.datetime.now(dt.UTC).date()
    first = today - dt.timedelta(days=6)

    stored = partition_days(
        data_partitions([first, first + dt.timedelta(2)], live=True, today=today)
    )

    assert stored == [first + dt.timedelta(days=n) for n in range(6)]
    assert partition_days(data_partitions([], live=True, today=today)) == [
        today - dt.timedelta(days=1)
    ]


def test_a_recorded_file_dated_after_today_is_a_partition_so_the_gate_sees_it():
    today = dt.datetime.now(dt.UTC).date()
    later = today + dt.timedelta(days=3)

    partitions = data_partitions([today - dt.timedelta(days=1), later], live=False, today=today)

    assert partition_days(partitions) == [today - dt.timedelta(days=1), later]


def test_the_partitions_are_the_days_of_the_source_folders_and_of_the_raw_layer(tmp_path):
    recordings = tmp_path / "recordings"
    for folder, name in (
        ("hub/daily", "2026-05-03.parquet"),
        ("openrouter/daily", "2026-05-01.json.gz"),
        ("openrouter/rankings_daily", "2026-05-06.json"),
        ("openrouter/rankings_daily", "PROVENANCE.csv"),
    ):
        (recordings / folder).mkdir(parents=True, exist_ok=True)
        (recordings / folder / name).write_text("not read")
    stored = tmp_path / "data" / "raw" / "hub_model_snapshots" / "snapshot_date=2026-04-28"
    stored.mkdir(parents=True)
    (stored / "fetch.parquet").write_text("not read")
    settings = Settings.from_env(
        {"RECORDINGS_DIR": str(recordings), "DATA_DIR": str(tmp_path / "data")}
    )

    assert existing_days(settings) == set(
        days("2026-04-28", "2026-05-01", "2026-05-03", "2026-05-06")
    )
    assert partition_days(daily_partitions(settings)) == days(
        "2026-04-28", "2026-05-01", "2026-05-03", "2026-05-06"
    )
