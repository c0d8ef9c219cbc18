"""Done-when of the data-quality issue and of issue 11's operator faults, end to end through
`observatory run`, on one DATA_DIR in order (four runs):

1. a first run over Hub days and no price day at all;
2. a snapshot in which most lifetime counters went down is quarantined, the marts stay exactly
   as they were, the run still succeeds for the other days;
3. a fixed file for that day is taken later;
4. a snapshot dated after today (UTC) is quarantined naming the file and the day, and the run
   succeeds and publishes nothing for days that have not happened; an operator evicted a stored
   day before it, and the run sees that day as a gap.

Runs on six plain demo days, in a recordings folder of their own: five filed as the days before
the real today and one as a day two days ahead (added for the fourth run). The dates are computed
from the clock, so the test means the same on any day.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from cli.main import main
from ingestion.quality.limits import SNAPSHOT_NOT_IN_FUTURE, utc_today
from ingestion.quality.quarantine import EVICTED, QUARANTINED, Quarantine
from orchestration.defs.hub.assets import HUB_SNAPSHOT_EXPECTATIONS_CHECK
from tests.helpers import read_marts as read_some_marts
from tests.plugins.demo import clean_demo_days

pytestmark = [pytest.mark.e2e, pytest.mark.reliability]

DATASET = "hub_model_snapshots"
MARTS = ("dim_developers", "dim_models", "fct_model_downloads_daily", "mart_adoption")
TODAY = utc_today()
PAST = tuple((TODAY - dt.timedelta(days=back)).isoformat() for back in (5, 4, 3, 2, 1))
# The fourth of them is missing at first (a gap), then arrives stale.
STALE_DAY = PAST[3]
FIRST_DAYS = tuple(day for day in PAST if day != STALE_DAY)
FUTURE = TODAY + dt.timedelta(days=2)
EVICTED_DAY = dt.date.fromisoformat(PAST[1])


def read_marts(warehouse: Path) -> dict[str, list[tuple]]:
    return read_some_marts(warehouse, MARTS)


def downloads_rows(data_dir: Path) -> list[tuple]:
    return read_marts(data_dir / "warehouse.duckdb")["fct_model_downloads_daily"]


def downloads_dates(marts: dict[str, list[tuple]]) -> set[dt.date]:
    return {row[1] for row in marts["fct_model_downloads_daily"]}


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> Iterator[tuple[Path, Path]]:
    root = tmp_path_factory.mktemp("quarantine-e2e")
    data_dir, recordings = root / "data", root / "recordings"
    snapshots, daily = recordings / "hub" / "daily", root / "files"
    for folder in (snapshots, daily, recordings / "openrouter" / "daily"):
        folder.mkdir(parents=True)
    days = [*PAST, FUTURE.isoformat()]
    for day, path in zip(days, clean_demo_days(len(days)), strict=True):
        shutil.copy(path, daily / f"{day}.parquet")
    for day in FIRST_DAYS:
        shutil.copy(daily / f"{day}.parquet", snapshots / f"{day}.parquet")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATA_DIR", str(data_dir))
        patch.setenv("SOURCE_MODE", "recorded")
        patch.setenv("RECORDINGS_DIR", str(recordings))
        patch.delenv("DAGSTER_HOME", raising=False)
        assert main(["run"]) == 0
        yield data_dir, snapshots


@pytest.fixture(scope="module")
def good_marts(env) -> dict[str, list[tuple]]:
    data_dir, _ = env
    return read_marts(data_dir / "warehouse.duckdb")


def test_a_first_run_over_hub_days_without_any_price_day_succeeds(env, good_marts):
    """The first run was on an empty DATA_DIR over Hub days and no price day at all: the price
    views read zero rows instead of failing."""
    data_dir, _ = env
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        (priced,) = con.execute(
            "select count(*) from marts.mart_cost_ratio where price_source = 'openrouter'"
        ).fetchone()

    assert priced == 0
    # Every day of the range has downloads: observed, or spread over the missing day.
    assert downloads_dates(good_marts) == {dt.date.fromisoformat(day) for day in PAST}


@pytest.fixture(scope="module")
def after_stale_day(env, good_marts):
    """Feed a copy of the real 2026-07-04 with most lifetime counters lowered by 10 %, plus a
    file named with an impossible date, and run everything again."""
    data_dir, snapshots = env
    real = pl.read_parquet(snapshots.parent.parent.parent / "files" / f"{STALE_DAY}.parquet")
    real.with_columns((pl.col("downloadsAllTime") * 0.9).cast(pl.Int64)).write_parquet(
        snapshots / f"{STALE_DAY}.parquet"
    )
    shutil.copy(
        snapshots / f"{PAST[-1]}.parquet", snapshots / "2026-02-30.parquet"
    )  # skipped, warned
    exit_code = main(["run"])
    return exit_code, read_marts(data_dir / "warehouse.duckdb")


def test_the_stale_day_is_quarantined_and_the_marts_are_exactly_as_before(
    env, good_marts, after_stale_day
):
    data_dir, snapshots = env
    exit_code, marts = after_stale_day

    assert exit_code == 0
    assert marts == good_marts
    # The other days of the range ran: the last is there, and the stale day stays a gap
    # interpolated between its neighbours, not the stale counters.
    assert dt.date.fromisoformat(PAST[-1]) in downloads_dates(marts)
    interpolated = {row[1] for row in marts["fct_model_downloads_daily"] if row[4]}
    assert dt.date.fromisoformat(STALE_DAY) in interpolated
    assert not (data_dir / "raw" / "hub_model_snapshots" / f"snapshot_date={STALE_DAY}").exists()
    (entry,) = Quarantine(data_dir / "quarantine", "hub_model_snapshots").entries()
    assert str(entry.day) == STALE_DAY
    assert "counters_went_down_at_once" in entry.reason["reason"]
    kept = entry.directory / f"{STALE_DAY}.parquet"
    assert kept.read_bytes() == (snapshots / f"{STALE_DAY}.parquet").read_bytes()


def test_the_failed_check_and_its_metadata_are_recorded_for_the_ui(env, after_stale_day):
    data_dir, _ = env
    instance = dg.DagsterInstance.from_config(str(data_dir / "dagster"))
    latest = instance.get_runs(limit=1)[0]
    evaluations = [
        event.dagster_event.event_specific_data
        for event in instance.all_logs(
            latest.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        )
    ]

    check = next(e for e in evaluations if e.check_name == HUB_SNAPSHOT_EXPECTATIONS_CHECK)
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.WARN
    assert check.metadata["quarantined_days"].value == STALE_DAY
    assert "counters_went_down_at_once" in check.metadata["failed_expectations"].value


def test_a_fixed_file_for_the_quarantined_day_is_accepted(env, after_stale_day, capsys):
    data_dir, snapshots = env
    files = snapshots.parent.parent.parent / "files"
    shutil.copy(files / f"{STALE_DAY}.parquet", snapshots / f"{STALE_DAY}.parquet")

    assert main(["run", "--start", STALE_DAY, "--end", STALE_DAY]) == 0
    assert main(["quarantine"]) == 0

    marts = read_marts(data_dir / "warehouse.duckdb")
    assert dt.date.fromisoformat(STALE_DAY) not in {
        row[1] for row in marts["fct_model_downloads_daily"] if row[4]
    }
    assert (data_dir / "raw" / "hub_model_snapshots" / f"snapshot_date={STALE_DAY}").exists()
    assert f"hub_model_snapshots {STALE_DAY} accepted since" in capsys.readouterr().out


@dataclass
class FourthRun:
    code: int
    out: str  # what `quarantine --evict` and the run printed
    observed_before: set[dt.date]  # days with observed (not interpolated) downloads before
    downloads: list[tuple]


@pytest.fixture(scope="module")
def fourth_run(env, after_stale_day) -> FourthRun:
    """An operator evicts a stored day, a snapshot dated two days ahead arrives, and everything
    runs again (after the fixed-file test above, in file order: one run serves both tests
    below)."""
    data_dir, snapshots = env
    observed = {row[1] for row in downloads_rows(data_dir) if not row[4]}
    files = snapshots.parent.parent.parent / "files"
    shutil.copy(files / f"{FUTURE}.parquet", snapshots / f"{FUTURE}.parquet")
    evict = ["quarantine", "--evict", str(EVICTED_DAY), "--dataset", DATASET, "--reason", "test"]
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert main(evict) == 0
        code = main(["run"])
    return FourthRun(code, out.getvalue(), observed, downloads_rows(data_dir))


def test_a_future_dated_snapshot_is_quarantined_and_the_run_succeeds(env, fourth_run):
    data_dir, snapshots = env

    assert fourth_run.code == 0, fourth_run.out[-3000:]
    assert not (data_dir / "raw" / DATASET / f"snapshot_date={FUTURE}").exists()
    (entry,) = Quarantine(data_dir / "quarantine", DATASET).entries(FUTURE)
    (failure,) = [r for r in entry.reason["results"] if not r["passed"] and r["blocking"]]
    assert failure["rule"] == SNAPSHOT_NOT_IN_FUTURE and failure["field"] == "snapshot_date"
    assert str(snapshots / f"{FUTURE}.parquet") in entry.reason["reason"]
    assert max(row[1] for row in fourth_run.downloads) == dt.date.fromisoformat(PAST[-1])


def test_an_evicted_stored_day_becomes_a_gap_on_the_next_run(env, fourth_run):
    data_dir, _ = env
    assert EVICTED_DAY in fourth_run.observed_before  # observed, not interpolated

    assert fourth_run.code == 0, fourth_run.out[-3000:]
    assert not (data_dir / "raw" / DATASET / f"snapshot_date={EVICTED_DAY}").exists()
    entry = Quarantine(data_dir / "quarantine", DATASET).entries(EVICTED_DAY)[-1]
    assert entry.reason[EVICTED]["reason"] == "test"
    assert entry.status(data_dir / "raw") == QUARANTINED
    interpolated = {row[1] for row in fourth_run.downloads if row[4]}
    assert EVICTED_DAY in interpolated
    assert f"{EVICTED_DAY}" in fourth_run.out
