"""The dated folder every recorded source shares (ingestion.recorded): one naming rule per
source, one policy for files that are not a day's, for all of them."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ingestion.errors import InputError
from ingestion.hub.recorded import recorded_hub_source
from ingestion.prices.recorded import recorded_price_source
from ingestion.usage.recorded import recorded_rankings_source
from ingestion.usage.schema import RANKINGS_SOURCE
from orchestration.daily_run import default_range
from orchestration.lib.settings import Settings
from tests.data import REAL_HUB_DAILY, requires_real_data
from tests.plugins.demo import DEMO_DIR

DAY = dt.date(2026, 5, 3)
# (the recorded source over a folder, the source's name, a day file's ending)
SOURCES = {
    "hub": (recorded_hub_source, "hub", ".parquet"),
    "prices": (recorded_price_source, "openrouter", ".json"),
    "rankings": (recorded_rankings_source, RANKINGS_SOURCE, ".json"),
}


@pytest.fixture(params=SOURCES.values(), ids=SOURCES.keys())
def source(request):
    return request.param


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("latest", "file name is not"),
        ("2026-3-14", "file name is not"),
        ("20260503", "file name is not"),
        ("2026-13-01", "not a real date"),
        ("2026-02-30", "not a real date"),
    ],
)
def test_a_file_that_is_not_a_day_is_reported_never_read_and_the_days_still_list(
    tmp_path, source, name, problem
):
    recorded, source_name, ending = source
    (tmp_path / f"{DAY}{ending}").write_bytes(b"")
    (tmp_path / f"{name}{ending}").write_bytes(b"")
    (tmp_path / "PROVENANCE.csv").write_text("date,rows\nnot,a,day\n")
    (tmp_path / "NOTES.md").write_text("# not a day\n")

    days, problems = recorded(tmp_path).scan()

    assert list(days) == [DAY]
    (error,) = problems
    assert (error.source, error.location) == (source_name, str(tmp_path / f"{name}{ending}"))
    assert problem in error.message


def test_a_missing_folder_is_an_error(tmp_path, source):
    recorded, *_ = source
    with pytest.raises(InputError, match="folder not found"):
        recorded(tmp_path / "absent").scan()


def test_a_day_without_a_file_is_a_gap_not_an_error(tmp_path, source):
    recorded, *_ = source
    assert recorded(tmp_path).fetch(DAY) is None


@pytest.mark.parametrize(
    ("recorded", "names"),
    [
        (recorded_hub_source, [f"hub_stats_{DAY}.parquet", f"{DAY}.parquet"]),
        (recorded_price_source, [f"{DAY}.json.gz", f"{DAY}.json"]),
    ],
    ids=["hub", "prices"],
)
def test_when_a_day_has_two_files_the_first_name_wins(tmp_path, recorded, names):
    for name in names:
        (tmp_path / name).write_bytes(b"")

    days, problems = recorded(tmp_path).scan()

    assert days == {DAY: tmp_path / names[-1]} and problems == []
    assert recorded(tmp_path).path_of(DAY) == tmp_path / names[-1]


@pytest.mark.parametrize(
    "folder",
    [DEMO_DIR / "hub" / "daily", pytest.param(REAL_HUB_DAILY, marks=requires_real_data)],
    ids=["demo", "real"],
)
def test_every_file_of_a_recorded_folder_is_a_day(folder):
    days, problems = recorded_hub_source(folder).scan()
    names = sorted(path.stem for path in folder.glob("*.parquet"))

    assert [day.isoformat() for day in days] == names
    assert problems == []
    assert len(days) > 30


def test_a_catalog_export_named_like_the_hub_stats_files_is_read(tmp_path):
    pl.DataFrame({"id": ["a/b"], "downloadsAllTime": [1]}).write_parquet(
        tmp_path / "hub_stats_2026-05-21.parquet"
    )

    days, _ = recorded_hub_source(tmp_path).scan()

    assert list(days) == [dt.date(2026, 5, 21)]
    snapshot = recorded_hub_source(tmp_path).fetch(dt.date(2026, 5, 21))
    assert snapshot.frame["id"].to_list() == ["a/b"]


def test_a_missing_required_column_names_the_field(tmp_path):
    pl.DataFrame({"id": ["a/b"], "likes": [1]}).write_parquet(tmp_path / "2026-05-03.parquet")

    with pytest.raises(InputError) as error:
        recorded_hub_source(tmp_path).fetch(dt.date(2026, 5, 3))

    assert error.value.field == "downloadsAllTime"


def test_a_run_names_each_misnamed_file_and_runs_the_other_days(tmp_path):
    frame = pl.DataFrame({"id": ["a/b"], "downloadsAllTime": [1]})
    frame.write_parquet(tmp_path / "2026-05-03.parquet")
    frame.write_parquet(tmp_path / "2026-13-01.parquet")
    (tmp_path / "2026-05-04.json").write_text("{}")
    (tmp_path / "2026-02-30.json").write_text("{}")
    # The Hub and the prices share the folder here: each lists only its own names.
    settings = {"HUB_SNAPSHOT_DIR": str(tmp_path), "PRICES_SNAPSHOT_DIR": str(tmp_path)}

    first, last, skipped = default_range(Settings.from_env(settings))

    assert (first, last) == (dt.date(2026, 5, 3), dt.date(2026, 5, 4))
    assert "2026-13-01.parquet" in " ".join(skipped) and "2026-02-30.json" in " ".join(skipped)
