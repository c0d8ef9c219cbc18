"""Done-when of the data-quality issue, end to end through `observatory run`:

a snapshot in which most lifetime counters went down is quarantined, the marts stay exactly
as they were, the run still succeeds for the other days, and a fixed file is taken later.
Runs on five plain demo days filed under July 2026 dates, in a recordings folder of their own.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from ingestion.quality.quarantine import Quarantine
from orchestration.cli.main import main
from orchestration.defs.hub.assets import HUB_SNAPSHOT_EXPECTATIONS_CHECK
from tests.conftest import clean_demo_days
from tests.helpers import read_marts as read_some_marts

pytestmark = pytest.mark.e2e

MARTS = ("dim_developers", "dim_models", "fct_model_downloads_daily", "mart_adoption")
JULY = ("2026-07-01", "2026-07-02", "2026-07-03", "2026-07-04", "2026-07-05")
# 2026-07-04 is missing at first (a gap), then arrives stale.
FIRST_DAYS = ("2026-07-01", "2026-07-02", "2026-07-03", "2026-07-05")
STALE_DAY = "2026-07-04"


def read_marts(warehouse: Path) -> dict[str, list[tuple]]:
    return read_some_marts(warehouse, MARTS)


def downloads_dates(marts: dict[str, list[tuple]]) -> set[dt.date]:
    return {row[1] for row in marts["fct_model_downloads_daily"]}


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> Iterator[tuple[Path, Path]]:
    root = tmp_path_factory.mktemp("quarantine-e2e")
    data_dir, recordings = root / "data", root / "recordings"
    snapshots, daily = recordings / "hub" / "daily", root / "july"
    for folder in (snapshots, daily, recordings / "openrouter" / "daily"):
        folder.mkdir(parents=True)
    for day, path in zip(JULY, clean_demo_days(len(JULY)), strict=True):
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
    # Every day of the range has downloads: observed, or spread over the missing 07-04.
    assert downloads_dates(good_marts) == {dt.date.fromisoformat(day) for day in JULY}


@pytest.fixture(scope="module")
def after_stale_day(env, good_marts):
    """Feed a copy of the real 2026-07-04 with most lifetime counters lowered by 10 %, plus a
    file named with an impossible date, and run everything again."""
    data_dir, snapshots = env
    real = pl.read_parquet(snapshots.parent.parent.parent / "july" / f"{STALE_DAY}.parquet")
    real.with_columns((pl.col("downloadsAllTime") * 0.9).cast(pl.Int64)).write_parquet(
        snapshots / f"{STALE_DAY}.parquet"
    )
    shutil.copy(
        snapshots / "2026-07-05.parquet", snapshots / "2026-02-30.parquet"
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
    # The other days of the range ran: 07-05 is there, and 07-04 stays a gap interpolated
    # between 07-03 and 07-05, not the stale counters.
    assert dt.date(2026, 7, 5) in downloads_dates(marts)
    interpolated = {row[1] for row in marts["fct_model_downloads_daily"] if row[4]}
    assert dt.date(2026, 7, 4) in interpolated
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
    july = snapshots.parent.parent.parent / "july"
    shutil.copy(july / f"{STALE_DAY}.parquet", snapshots / f"{STALE_DAY}.parquet")

    assert main(["run", "--start", STALE_DAY, "--end", STALE_DAY]) == 0
    assert main(["quarantine"]) == 0

    marts = read_marts(data_dir / "warehouse.duckdb")
    assert dt.date(2026, 7, 4) not in {
        row[1] for row in marts["fct_model_downloads_daily"] if row[4]
    }
    assert (data_dir / "raw" / "hub_model_snapshots" / f"snapshot_date={STALE_DAY}").exists()
    assert f"hub_model_snapshots {STALE_DAY} accepted since" in capsys.readouterr().out
