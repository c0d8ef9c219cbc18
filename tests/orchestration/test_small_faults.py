"""The smaller faults of issue 26's probe: NaN and infinity in `trendingScore` passed silently,
a newline inside a refused model id split the log line that named it, and rankings files dated
after the last Hub or price file were left out of the default range without a word."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import dagster as dg
import polars as pl
import pytest

from ingestion.conform import ConformReport
from ingestion.hub.quality import TRENDING_SCORE_FINITE, validate_hub_snapshot
from ingestion.hub.recorded import read_snapshot_file
from ingestion.quality.expectations import shared_validator
from ingestion.quality.gate import Outcome
from orchestration.daily_run import default_range
from orchestration.defs.quality.ingest import log_outcome
from orchestration.lib.settings import Settings
from tests.plugins.demo import DEMO_DIR, clean_demo_days


def demo_day(demo) -> tuple[dt.date, pl.DataFrame]:
    (path,) = clean_demo_days(1)
    day = dt.date.fromisoformat(path.stem)
    return day, read_snapshot_file(path, day).frame


def verdict(day: dt.date, frame: pl.DataFrame):
    return validate_hub_snapshot(
        day,
        frame,
        location=f"{day}.parquet",
        report=ConformReport(),
        previous=None,
        validator=shared_validator(),
    )


@pytest.mark.parametrize("score", [float("nan"), float("inf"), float("-inf")])
def test_a_trending_score_that_is_no_number_refuses_the_day_naming_the_model(demo, score):
    day, frame = demo_day(demo)
    model = frame["id"][1]
    frame = frame.with_columns(
        pl.when(pl.col("id") == model)
        .then(score)
        .otherwise(pl.col("trendingScore"))
        .alias("trendingScore")
    )

    result = verdict(day, frame)

    (failure,) = [f for f in result.blocking_failures if f.rule == TRENDING_SCORE_FINITE]
    assert failure.field == "trendingScore"
    assert failure.sample_ids == (f"{model}={score}",)


def test_a_newline_in_a_refused_model_id_stays_inside_one_log_line(demo):
    day, frame = demo_day(demo)
    forged = "org/model\n2026-01-01 - dagster - INFO - all good"
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(forged)).otherwise("id").alias("id")
    )
    result = verdict(day, frame)
    assert not result.accepted
    context = dg.build_asset_context()
    logged: list[str] = []
    context.log.error = logged.append  # what the run's log receives

    log_outcome(context, Outcome(result, quarantined=_Kept()), [])

    (line,) = logged
    assert "\n" not in line and "org/model\\n2026-01-01" in line


class _Kept:
    directory = "quarantine/hub_model_snapshots/snapshot_date=x/entry"


def test_rankings_files_after_the_last_hub_or_price_file_are_reported(demo, tmp_path):
    hub_days = clean_demo_days(3)
    root = tmp_path / "recordings"
    (root / "hub" / "daily").mkdir(parents=True)
    (root / "openrouter" / "daily").mkdir(parents=True)
    (root / "openrouter" / "rankings_daily").mkdir(parents=True)
    for path in hub_days:
        shutil.copy(path, root / "hub" / "daily" / path.name)
    last = dt.date.fromisoformat(hub_days[-1].stem)
    later = [last + dt.timedelta(days=n) for n in (1, 2)]
    answer = sorted((DEMO_DIR / "openrouter" / "rankings_daily").glob("*.json"))[0]
    for day in later:
        (root / "openrouter" / "rankings_daily" / f"{day}.json").write_text(
            json.dumps(json.loads(answer.read_text()))
        )
    settings = Settings.from_env({"RECORDINGS_DIR": str(root), "DATA_DIR": str(tmp_path / "d")})

    _, end, said = default_range(settings)

    assert end == last
    err = " ".join(said)
    assert "2 rankings file(s)" in err and f"{later[0]} .. {later[-1]}" in err
    assert f"--end {later[-1]}" in err
