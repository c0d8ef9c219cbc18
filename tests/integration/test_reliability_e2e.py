"""Issue 11 end to end through `observatory run`: a snapshot dated after today (UTC) is
quarantined naming the file and the day, the run succeeds and publishes nothing for days that
have not happened; then an operator evicts a stored day, and the next run sees it as a gap.

Three plain demo days filed as the three days before the real today, and a fourth as a day two
days ahead: the dates are computed from the clock, so the test means the same on any day.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingestion.quality.limits import SNAPSHOT_NOT_IN_FUTURE, utc_today
from ingestion.quality.quarantine import EVICTED, QUARANTINED, Quarantine
from orchestration.cli.main import main
from tests.conftest import clean_demo_days
from tests.helpers import read_marts

pytestmark = [pytest.mark.e2e, pytest.mark.reliability]

DATASET = "hub_model_snapshots"
TODAY = utc_today()
PAST = [TODAY - dt.timedelta(days=back) for back in (3, 2, 1)]
FUTURE = TODAY + dt.timedelta(days=2)


def downloads_rows(data_dir: Path) -> list[tuple]:
    return read_marts(data_dir / "warehouse.duckdb", ("fct_model_downloads_daily",))[
        "fct_model_downloads_daily"
    ]


@pytest.fixture(scope="module")
def first_run(tmp_path_factory) -> Iterator[tuple[Path, Path, int]]:
    root = tmp_path_factory.mktemp("reliability-e2e")
    data_dir, recordings = root / "data", root / "recordings"
    snapshots = recordings / "hub" / "daily"
    for folder in (snapshots, recordings / "openrouter" / "daily"):
        folder.mkdir(parents=True)
    for day, path in zip([*PAST, FUTURE], clean_demo_days(len(PAST) + 1), strict=True):
        shutil.copy(path, snapshots / f"{day}.parquet")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATA_DIR", str(data_dir))
        patch.setenv("SOURCE_MODE", "recorded")
        patch.setenv("RECORDINGS_DIR", str(recordings))
        patch.delenv("DAGSTER_HOME", raising=False)
        code = main(["run"])
        yield data_dir, snapshots, code


def test_a_future_dated_snapshot_is_quarantined_and_the_run_succeeds(first_run):
    data_dir, snapshots, code = first_run

    assert code == 0
    assert not (data_dir / "raw" / DATASET / f"snapshot_date={FUTURE}").exists()
    (entry,) = Quarantine(data_dir / "quarantine", DATASET).entries()
    assert entry.day == FUTURE
    (failure,) = [r for r in entry.reason["results"] if not r["passed"] and r["blocking"]]
    assert failure["rule"] == SNAPSHOT_NOT_IN_FUTURE and failure["field"] == "snapshot_date"
    assert str(snapshots / f"{FUTURE}.parquet") in entry.reason["reason"]
    assert max(row[1] for row in downloads_rows(data_dir)) == PAST[-1]


def test_an_evicted_stored_day_becomes_a_gap_on_the_next_run(first_run, capsys):
    data_dir, _, _ = first_run
    evicted = PAST[1]
    before = {row[1] for row in downloads_rows(data_dir) if not row[4]}
    assert evicted in before  # observed, not interpolated

    assert (
        main(["quarantine", "--evict", str(evicted), "--dataset", DATASET, "--reason", "test"]) == 0
    )
    assert main(["run"]) == 0

    assert not (data_dir / "raw" / DATASET / f"snapshot_date={evicted}").exists()
    entry = Quarantine(data_dir / "quarantine", DATASET).entries(evicted)[-1]
    assert entry.reason[EVICTED]["reason"] == "test"
    assert entry.status(data_dir / "raw") == QUARANTINED
    interpolated = {row[1] for row in downloads_rows(data_dir) if row[4]}
    assert evicted in interpolated
    assert f"{evicted}" in capsys.readouterr().out
