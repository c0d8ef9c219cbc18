"""The series over time is only as true as the days it rests on: stale snapshots are recognised
and carry no weight, totals stay plausible day by day, every share states its sample, and the
marts are the same to the bit on a rerun. On the demo data and on the real recordings; every
expected value is computed here from the source files."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest

from tests.helpers import consecutive_changes, daily_counters, real_observations, stale_days
from tests.plugins.pipeline import PipelineCase

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def con(pipeline: PipelineCase):
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def stale_days_from_the_files(pipeline) -> set[dt.date]:
    counters = daily_counters(pipeline.hub_daily)
    if pipeline.run_args:
        start, end = (dt.date.fromisoformat(d) for d in pipeline.run_args[1::2])
        counters = counters.filter(pl.col("day").is_between(start, end))
    return stale_days(counters)


def test_the_stale_days_of_the_files_are_flagged_with_the_day_they_repeat(
    con, pipeline, demo, stale_days_from_the_files
):
    flagged = {
        day: (staleness, repeats)
        for day, staleness, repeats in con.execute(
            "select snapshot_date, staleness, repeats_snapshot_date "
            "from marts.mart_hub_snapshot_days where is_stale"
        ).fetchall()
    }

    assert set(flagged) == stale_days_from_the_files
    assert flagged, "the data has stale days; none was flagged"
    for day, (_, repeats) in flagged.items():
        assert repeats is not None and repeats < day
    if pipeline.is_demo:
        assert flagged[demo.stale_day][0] == "stale"
        assert flagged[demo.partly_stale_day][0] == "partly_stale"


@pytest.fixture(scope="module")
def observations(con, pipeline) -> pl.DataFrame:
    """The observations of the files that carry weight: those of the days that reached the raw
    layer, without the unchanged counters of stale days."""
    accepted = [
        d
        for (d,) in con.execute("select snapshot_date from marts.mart_hub_snapshot_days").fetchall()
    ]
    counters = daily_counters(pipeline.hub_daily)
    return real_observations(counters.filter(pl.col("day").is_in(accepted)))


def test_between_real_observations_daily_downloads_sum_to_the_counter_increase(con, observations):
    expected = consecutive_changes(observations)
    daily = con.sql(
        "select model_id, download_date as day, downloads from marts.fct_model_downloads_daily"
    ).pl()
    summed = (
        expected.join(daily, on="model_id")
        .filter(
            (pl.col("day_right") > pl.col("previous_day")) & (pl.col("day_right") <= pl.col("day"))
        )
        .group_by("model_id", "day")
        .agg(pl.col("downloads").sum().alias("summed"), pl.len().alias("days"))
    )
    checked = expected.join(summed, on=["model_id", "day"], how="left")

    assert checked.height == expected.height > 0
    gaps_filled = checked.filter(
        pl.col("days") != (pl.col("day") - pl.col("previous_day")).dt.total_days()
    )
    assert gaps_filled.height == 0, gaps_filled.head()
    rising = checked.filter(pl.col("increase") >= 0)
    mismatches = rising.filter(pl.col("summed") != pl.col("increase"))
    assert mismatches.height == 0, mismatches.head()
    falling = checked.filter(pl.col("increase") < 0)
    assert falling.filter(pl.col("summed") != 0).height == 0


def test_one_row_per_model_per_day_from_first_to_last_real_observation(con, observations):
    spans = observations.group_by("model_id").agg(
        pl.col("day").min().alias("first"), pl.col("day").max().alias("last")
    )
    expected_rows = int(((spans["last"] - spans["first"]).dt.total_days() + 1).sum())

    ((rows,),) = con.execute("select count(*) from marts.fct_model_downloads_daily").fetchall()
    assert rows == expected_rows


def test_no_day_is_a_fifth_of_its_month_or_several_times_it(con):
    totals = con.sql(
        "select download_date as day, sum(downloads) as total "
        "from marts.fct_model_downloads_daily where downloads is not null group by all"
    ).pl()
    first = totals["day"].min()
    judged = totals.filter(pl.col("day") > first).with_columns(
        median=pl.col("total").median().over(pl.col("day").dt.truncate("1mo"))
    )

    outliers = judged.filter(
        (pl.col("total") < pl.col("median") / 5) | (pl.col("total") > 3 * pl.col("median"))
    )
    assert judged.height > 20
    assert outliers.height == 0, outliers


def test_every_share_states_the_sample_it_rests_on(con):
    rows = con.sql(
        "select metric, period_start, period_grain, scope, country_models, period_models, "
        "country_developers, period_developers from marts.mart_market_share"
    ).pl()
    sums = rows.group_by("metric", "period_start", "period_grain", "scope").agg(
        pl.col("country_models").sum(),
        pl.col("period_models").first(),
        pl.col("period_models").n_unique().alias("distinct_totals"),
    )

    assert rows.null_count().sum_horizontal().item() == 0
    assert (rows["country_models"] >= 1).all()
    assert (sums["distinct_totals"] == 1).all()
    assert (sums["country_models"] == sums["period_models"]).all()


def test_a_crossover_rests_on_enough_models_on_both_sides(con):
    crossings = con.execute(
        "select metric, china_models_at_crossover, us_models_at_crossover "
        "from marts.mart_share_crossovers where has_crossed"
    ).fetchall()

    for metric, china, us in crossings:
        assert china >= 5 and us >= 5, metric


def test_concentration_states_the_models_and_developers_it_rests_on(con):
    concentration = con.sql(
        "select developer_count, model_count, hhi from marts.mart_market_concentration"
    ).pl()
    single = concentration.filter(pl.col("developer_count") == 1)

    assert (concentration["model_count"] >= concentration["developer_count"]).all()
    assert (single["hhi"] == 10_000).all()


def test_adoption_covers_only_months_with_observations(con):
    (all_null,) = con.execute(
        "select count(*) from marts.mart_adoption where downloads is null "
        "and downloads_all_time is null and models_observed = 0"
    ).fetchall()[0]
    months = {
        m
        for (m,) in con.execute(
            "select distinct date_trunc('month', download_date) from "
            "marts.fct_model_downloads_daily where downloads_all_time is not null"
        ).fetchall()
    }
    adoption = {
        m
        for (m,) in con.execute("select distinct period_start from marts.mart_adoption").fetchall()
    }

    assert all_null == 0
    assert adoption == {m.date() if isinstance(m, dt.datetime) else m for m in months}


def test_family_shares_are_of_the_months_downloads_and_the_same_sample_as_developers(con):
    families = con.sql(
        "select period_start, sum(share) as shares, sum(downloads) as downloads, "
        "sum(models_observed) as models_observed, count(*) as families "
        "from marts.mart_family_adoption group by period_start"
    ).pl()
    developers = con.sql(
        "select period_start, sum(downloads) as downloads, sum(models_observed) as models_observed "
        "from marts.mart_adoption group by period_start"
    ).pl()
    both = families.join(
        developers, on="period_start", how="full", suffix="_by_developer", coalesce=False
    )

    assert families.height > 0 and (families["families"] > 1).all()
    assert ((families["shares"] - 1).abs() < 1e-9).all()
    assert (
        both.select("period_start", "period_start_by_developer")
        .null_count()
        .sum_horizontal()
        .item()
        == 0
    )
    assert (both["downloads"] == both["downloads_by_developer"]).all()
    assert (both["models_observed"] == both["models_observed_by_developer"]).all()


def test_derivative_counts_are_filled_and_agree_with_the_catalog(con, pipeline):
    catalog = pl.read_parquet(pipeline.catalog_file()).filter(pl.col("baseModels").is_not_null())
    children = (
        catalog.select(
            "id",
            pl.col("baseModels").struct.field("models").list.eval(pl.element().struct.field("id")),
        )
        .explode("models")
        .filter(pl.col("models") != pl.col("id"))
        .unique()
        .group_by("models")
        .len()
    )
    expected = dict(children.iter_rows())
    counts = dict(
        con.execute(
            "select model_id, derivative_count from marts.dim_models where derivative_count > 0"
        ).fetchall()
    )

    assert counts == {m: n for m, n in expected.items() if m in counts}
    assert len(counts) > 0
    (nulls,) = con.execute(
        "select count(*) from marts.dim_models where derivative_count is null "
        "or descendant_count < derivative_count"
    ).fetchall()[0]
    assert nulls == 0
