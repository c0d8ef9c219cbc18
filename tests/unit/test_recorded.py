from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ingestion.errors import InputError
from ingestion.hub.recorded import SnapshotFolder
from orchestration.cli.main import default_range
from orchestration.lib.settings import Settings
from tests.conftest import DEMO_DIR, REAL_HUB_DAILY, requires_real_data


@pytest.mark.parametrize(
    "folder",
    [DEMO_DIR / "hub" / "daily", pytest.param(REAL_HUB_DAILY, marks=requires_real_data)],
    ids=["demo", "real"],
)
def test_every_file_of_a_recorded_folder_is_a_day(folder):
    days = SnapshotFolder(folder).available_days()
    names = sorted(path.stem for path in folder.glob("*.parquet"))

    assert [day.isoformat() for day in days] == names
    assert len(days) > 30


def test_a_catalog_export_named_like_the_hub_stats_files_is_read(tmp_path):
    pl.DataFrame({"id": ["a/b"], "downloadsAllTime": [1]}).write_parquet(
        tmp_path / "hub_stats_2026-05-21.parquet"
    )

    folder = SnapshotFolder(tmp_path)

    assert list(folder.available_days()) == [dt.date(2026, 5, 21)]
    assert folder.read(dt.date(2026, 5, 21)).frame["id"].to_list() == ["a/b"]


def test_a_file_named_with_an_impossible_date_is_named_in_the_error(tmp_path):
    pl.DataFrame({"id": ["a/b"], "downloadsAllTime": [1]}).write_parquet(
        tmp_path / "2026-02-30.parquet"
    )

    with pytest.raises(InputError) as error:
        SnapshotFolder(tmp_path).available_days()

    assert "2026-02-30.parquet" in error.value.location
    assert "not a real date" in str(error.value)


def test_a_missing_required_column_names_the_field(tmp_path):
    pl.DataFrame({"id": ["a/b"], "likes": [1]}).write_parquet(tmp_path / "2026-05-03.parquet")

    with pytest.raises(InputError) as error:
        SnapshotFolder(tmp_path).read(dt.date(2026, 5, 3))

    assert error.value.field == "downloadsAllTime"


def test_a_day_without_a_file_is_a_gap_not_an_error(tmp_path):
    assert SnapshotFolder(tmp_path).read(dt.date(2026, 5, 8)) is None


def test_a_misnamed_file_is_reported_and_the_other_days_still_run(tmp_path, capsys):
    frame = pl.DataFrame({"id": ["a/b"], "downloadsAllTime": [1]})
    frame.write_parquet(tmp_path / "2026-05-03.parquet")
    frame.write_parquet(tmp_path / "2026-13-01.parquet")

    days, problems = SnapshotFolder(tmp_path).scan()
    # No price recordings here either, so the range is the Hub's days alone.
    settings = {"HUB_SNAPSHOT_DIR": str(tmp_path), "PRICES_SNAPSHOT_DIR": str(tmp_path)}
    first, last = default_range(Settings.from_env(settings))

    assert list(days) == [dt.date(2026, 5, 3)]
    assert [p.location for p in problems] == [str(tmp_path / "2026-13-01.parquet")]
    assert (first, last) == (dt.date(2026, 5, 3), dt.date(2026, 5, 3))
    assert "2026-13-01.parquet" in capsys.readouterr().err
