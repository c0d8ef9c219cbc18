"""Validating the days of a run together (`prime`) must give each day exactly what validating it
alone gives: the same rules, verdicts, counts and sample ids, in the same order."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ingestion.hub.quality import hub_snapshot_suite
from ingestion.hub.recorded import read_snapshot_file
from ingestion.prices.parse import models_frame
from ingestion.prices.quality import price_snapshot_suite
from ingestion.quality.expectations import SuiteValidator
from tests.plugins.demo import clean_demo_days


def hub_days() -> list[pl.DataFrame]:
    frames = [
        read_snapshot_file(p, dt.date.fromisoformat(p.stem)).frame for p in clean_demo_days(4)
    ]
    good, dup, negative, bad_id = frames
    return [
        good,
        pl.concat([dup, dup.head(3)]),  # duplicate ids: judged per day, not across days
        negative.with_columns(
            pl.when(pl.int_range(pl.len()) < 7)
            .then(-pl.col("downloadsAllTime"))
            .otherwise(pl.col("downloadsAllTime"))
            .alias("downloadsAllTime")
        ),
        bad_id.with_columns(pl.col("id").str.replace("/", "_")),
        good.with_columns((pl.col("downloadsAllTime") + 1).alias("downloads")),
        good.clear(),
        # Rows without an id: not duplicates of each other, as alone.
        pl.concat([good, good.head(2).with_columns(pl.lit(None, pl.String).alias("id"))]),
    ]


def test_hub_days_validated_together_get_the_results_of_each_alone():
    frames = hub_days()
    alone = [SuiteValidator().validate(f, hub_snapshot_suite()) for f in frames]

    together = SuiteValidator()
    calls = 0
    run = together._run

    def counted(*args):
        nonlocal calls
        calls += 1
        return run(*args)

    together._run = counted
    together.prime(frames, hub_snapshot_suite())
    primed = [together.validate(f, hub_snapshot_suite()) for f in frames]

    assert primed == alone
    assert calls == 2  # the stacked days and their row counts, however many days
    failed = {r.rule for results in alone for r in results if not r.passed}
    assert {"id_unique", "id_well_formed", "downloadsAllTime_non_negative", "not_empty"} <= failed
    # Every failure names ids, but that of the rows without one.
    named = [r for results in alone for r in results if not r.passed and r.rule != "id_present"]
    assert all(r.sample_ids for r in named if r.field)
    assert not together._primed  # every primed result was handed out


def test_price_days_validated_together_get_the_results_of_each_alone(openrouter_models):
    good = models_frame({"data": openrouter_models}, location="a.json")
    unknown = good.with_columns(
        pl.when(pl.int_range(pl.len()) < 3)
        .then(pl.lit("unknown"))
        .otherwise(pl.col("price_status"))
        .alias("price_status")
    )
    frames = [good, unknown, pl.concat([good, good.head(2)]), good.clear()]
    alone = [SuiteValidator().validate(f, price_snapshot_suite()) for f in frames]

    together = SuiteValidator()
    together.prime(frames, price_snapshot_suite())

    assert [together.validate(f, price_snapshot_suite()) for f in frames] == alone
