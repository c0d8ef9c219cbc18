"""One wrong day cannot become the baseline that blames the genuine days after it (issue 26).

Each test runs the daily ingest loop (`ingest_days`) on demo Hub days copied into a folder, with
the real raw store, quarantine and Hub rules, and plants one wrong day: a copy of a real day
dated 1999-06-01, the same copy dated a week early with no creation times (as the real daily
files have none), a day with ten times the models (clones under new ids), and that inflated day
already stored by an earlier run. Every genuine day must end in the raw layer.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from ingestion.hub.quality import validate_hub_snapshot
from ingestion.hub.recorded import recorded_hub_source
from ingestion.quality.baseline import ROW_COUNT_JUMPED
from ingestion.quality.expectations import shared_validator
from ingestion.quality.plausible import CREATED_BY_SNAPSHOT_DAY, DAY_AFTER_SOURCE_START
from ingestion.quality.quarantine import EVICTED, REASON_FILE, Quarantine
from ingestion.raw_store import RawStore
from orchestration.defs.hub.assets import COMPARED_COLUMNS
from orchestration.defs.quality.ingest import DayRun, ingest_days
from tests.data import REAL_HUB_DAILY, requires_real_data
from tests.plugins.demo import clean_demo_days

pytestmark = pytest.mark.reliability
DATASET = "hub_model_snapshots"


@pytest.fixture
def folder(demo, tmp_path) -> tuple[Path, list[dt.date]]:
    """Six clean consecutive demo days, copied into a folder of their own."""
    target = tmp_path / "hub"
    target.mkdir()
    days = []
    for path in clean_demo_days(6):
        shutil.copy(path, target / path.name)
        days.append(dt.date.fromisoformat(path.stem))
    return target, days


def run(tmp_path: Path, folder: Path, days: list[dt.date]) -> tuple[DayRun, RawStore, Quarantine]:
    store = RawStore(tmp_path / "raw", DATASET)
    quarantine = Quarantine(tmp_path / "quarantine", DATASET)
    validator = shared_validator()
    result = ingest_days(
        dg.build_asset_context(),
        source=recorded_hub_source(folder),
        days=sorted(days),
        store=store,
        quarantine=quarantine,
        validate=lambda day, snapshot, previous: validate_hub_snapshot(
            day,
            snapshot.frame,
            location=snapshot.location,
            report=snapshot.report,
            previous=previous,
            validator=validator,
        ),
        compared_columns=COMPARED_COLUMNS,
    )
    return result, store, quarantine


def refused_rules(quarantine: Quarantine, day: dt.date) -> set[str]:
    (entry,) = quarantine.entries(day)
    return {r["rule"] for r in entry.reason["results"] if r["blocking"] and not r["passed"]}


def inflate(path: Path, target: Path, factor: int = 10) -> None:
    """The day with `factor` times its models: clones of each under new ids."""
    frame = pl.read_parquet(path)
    clones = [frame.with_columns(pl.col("id") + f"-clone{k}") for k in range(1, factor)]
    pl.concat([frame, *clones]).write_parquet(target)


def test_a_copy_of_a_real_day_dated_1999_is_refused_and_every_genuine_day_stored(folder, tmp_path):
    hub, days = folder
    misdated = dt.date(1999, 6, 1)
    shutil.copy(hub / f"{days[-1]}.parquet", hub / f"{misdated}.parquet")

    result, store, quarantine = run(tmp_path, hub, [misdated, *days])

    assert store.days() == days
    assert result.stored == [d.isoformat() for d in days]
    assert {DAY_AFTER_SOURCE_START, CREATED_BY_SNAPSHOT_DAY} <= refused_rules(quarantine, misdated)


def test_a_misdated_copy_that_passes_its_own_rules_is_moved_out_by_the_days_after_it(
    folder, tmp_path
):
    hub, days = folder
    # Without creation times (the real daily files have none) nothing in the file says its day.
    misdated = days[0] - dt.timedelta(days=7)
    pl.read_parquet(hub / f"{days[-1]}.parquet").drop("createdAt").write_parquet(
        hub / f"{misdated}.parquet"
    )

    result, store, quarantine = run(tmp_path, hub, [misdated, *days])

    assert store.days() == days
    assert result.evicted == [misdated.isoformat()]
    entries = quarantine.entries(misdated)
    evicted = [e for e in entries if e.evicted is not None]
    assert len(evicted) == 1
    reason = json.loads((evicted[0].directory / REASON_FILE).read_text())
    assert reason[EVICTED]["evicted_by"] == "the quality gate"
    assert f"{misdated} was the wrong day" in reason[EVICTED]["reason"]
    assert "evicted" in result.outcome[misdated.isoformat()]


def test_a_day_with_ten_times_the_models_is_refused_and_the_days_after_it_stored(folder, tmp_path):
    hub, days = folder
    inflated = days[3]
    inflate(hub / f"{inflated}.parquet", hub / f"{inflated}.parquet")

    result, store, quarantine = run(tmp_path, hub, days)

    assert store.days() == [d for d in days if d != inflated]
    assert refused_rules(quarantine, inflated) == {ROW_COUNT_JUMPED}
    assert result.evicted == []


def test_an_inflated_day_stored_by_an_earlier_run_is_moved_out_by_the_next_genuine_day(
    folder, tmp_path
):
    hub, days = folder
    early, inflated, later = days[:3], days[3], days[4:]
    run(tmp_path, hub, early)
    # An earlier version of the gate stored it: write it into the raw layer as it would have.
    copy = tmp_path / "inflated.parquet"
    inflate(hub / f"{inflated}.parquet", copy)
    store = RawStore(tmp_path / "raw", DATASET)
    store.write(
        inflated,
        pl.read_parquet(copy),
        source_uri=str(copy),
        fetched_at=dt.datetime.now(dt.UTC),
    )

    result, store, _ = run(tmp_path, hub, later)

    assert store.days() == [*early, *later]
    assert result.evicted == [inflated.isoformat()]
    assert result.stored == [d.isoformat() for d in later]
    # Run again over every day, the inflated file in the folder: the evicted content stays out.
    shutil.copy(copy, hub / f"{inflated}.parquet")
    again, store, _ = run(tmp_path, hub, days)
    assert store.days() == [*early, *later]
    assert again.outcome[inflated.isoformat()].startswith("quarantined")


@requires_real_data
def test_a_genuine_step_in_the_tracked_models_of_the_real_recordings_is_accepted(tmp_path):
    """The real recordings go from about 200 to over 400 models in a day (the registry grew):
    every real day passes, none is moved out."""
    days = sorted(dt.date.fromisoformat(p.stem[-10:]) for p in REAL_HUB_DAILY.glob("*.parquet"))
    counts = [
        pl.scan_parquet(p).select(pl.len()).collect().item()
        for p in sorted(REAL_HUB_DAILY.glob("*.parquet"))
    ]
    assert max(counts) > 1.8 * min(counts), "the recordings no longer hold the step"

    result, _, quarantine = run(tmp_path, REAL_HUB_DAILY, days)

    assert result.evicted == []
    assert not any(
        ROW_COUNT_JUMPED in refused_rules(quarantine, e.day) for e in quarantine.entries()
    )
