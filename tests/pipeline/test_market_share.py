"""Market share and lineage on the demo data and the real recordings, checked against the
source files themselves. The month checked is the last whole month of Hub observations."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
import pytest

from ingestion.quality.quarantine import Quarantine
from tests.data import ROOT, read_answer
from tests.helpers import daily_counters, real_observations
from tests.plugins.pipeline import PipelineCase

pytestmark = pytest.mark.e2e

REGISTRY = pl.read_csv(ROOT / "dbt_project" / "seeds" / "developer_registry.csv")


@pytest.fixture(scope="module")
def con(pipeline: PipelineCase) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def month(pipeline) -> dt.date:
    """The first day of the last month whose every day lies within the Hub observations."""
    days = daily_counters(pipeline.hub_daily)["day"]
    last = days.max() + dt.timedelta(days=1)
    return (last.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def downloads_by_country_from_the_files(pipeline: PipelineCase, month: dt.date) -> dict[str, float]:
    """Spread every counter increase evenly over its gap between real observations (stale
    repeats dropped) and keep the month's days: the mart's rule, computed here independently
    with floats from the snapshot files."""
    quarantined = {
        e.day for e in Quarantine(pipeline.data_dir / "quarantine", "hub_model_snapshots").entries()
    }
    counters = (
        real_observations(
            daily_counters(pipeline.hub_daily).filter(~pl.col("day").is_in(sorted(quarantined)))
        )
        .rename({"model_id": "id"})
        .sort("id", "day")
    )
    totals: Counter[str] = Counter()
    countries = dict(zip(REGISTRY["hub_org"], REGISTRY["country"], strict=True))
    for (model_id,), rows in counters.group_by("id"):
        days, values = rows["day"].to_list(), rows["counter"].to_list()
        country = countries.get(model_id.split("/")[0], "unattributed")
        pairs = zip(days, days[1:], values, values[1:], strict=False)
        for previous_day, day, previous, value in pairs:
            gap = (day - previous_day).days
            covered = (previous_day + dt.timedelta(days=n) for n in range(1, gap + 1))
            in_month = sum(1 for d in covered if (d.year, d.month) == (month.year, month.month))
            totals[country] += max(value - previous, 0) * in_month / gap
    return dict(totals)


def test_monthly_download_shares_agree_with_the_snapshot_files(con, pipeline, month):
    expected = downloads_by_country_from_the_files(pipeline, month)
    total = sum(expected.values())
    rows = con.execute(
        "select country, share from marts.mart_market_share "
        "where metric = 'downloads' and scope = 'ecosystem' and period_grain = 'month' "
        "and period_start = ?",
        [month],
    ).fetchall()

    assert {country for country, _ in rows} == {c for c, v in expected.items() if v > 0}
    for country, share in rows:
        assert share == pytest.approx(expected[country] / total, abs=1e-6), country


def test_shares_of_every_period_and_metric_sum_to_one(con):
    off = con.execute(
        "select period_start, period_grain, metric, scope, sum(share) "
        "from marts.mart_market_share group by all having abs(sum(share) - 1) > 1e-9"
    ).fetchall()
    metrics = {
        m for (m,) in con.execute("select distinct metric from marts.mart_market_share").fetchall()
    }

    assert off == []
    assert {"downloads", "new_models", "new_derivatives", "derivatives_merge"} <= metrics


def test_mainline_leaves_out_repackagings(con, month):
    (repackaged,) = con.execute(
        "select sum(d.downloads) from marts.fct_model_downloads_daily d "
        "join marts.dim_models m using (model_id) "
        "where m.is_repackaging and date_trunc('month', d.download_date) = ?",
        [month],
    ).fetchall()[0]
    (gap,) = con.execute(
        "select sum(value) filter (where scope = 'ecosystem') "
        "- sum(value) filter (where scope = 'mainline') from marts.mart_market_share "
        "where metric = 'downloads' and period_grain = 'month' and period_start = ?",
        [month],
    ).fetchall()[0]

    assert repackaged > 0
    assert gap == repackaged


def walk_roots_from_the_catalog(catalog_file: Path) -> dict[str, str]:
    """A direct recursive walk of `baseModels` in the hub-stats export, with the parent
    rule of the marts: for several parents, the first of those published by a registry org."""
    catalog = pl.read_parquet(catalog_file).filter(pl.col("baseModels").is_not_null())
    orgs = set(REGISTRY["hub_org"])
    parent: dict[str, str | None] = {}
    for model_id, base in catalog.select("id", "baseModels").iter_rows():
        candidates = sorted({m["id"] for m in base["models"]} - {model_id})
        ranked = sorted(candidates, key=lambda p: (p.split("/")[0] not in orgs, p))
        parent[model_id] = ranked[0] if ranked else None

    def root(model_id: str) -> str:
        seen, current = {model_id}, model_id
        while parent.get(current) is not None and parent[current] not in seen:
            current = parent[current]
            seen.add(current)
        return current

    return {model_id: root(model_id) for model_id in parent}


def test_every_derivative_has_its_root_and_qwen_roots_agree_with_a_direct_walk(con, pipeline):
    walked = walk_roots_from_the_catalog(pipeline.catalog_file())
    lineage = dict(
        con.execute("select model_id, root_model_id from marts.fct_model_lineage").fetchall()
    )

    assert len(walked) > 0
    assert set(walked) <= set(lineage)
    assert all(lineage[m] for m in walked)
    qwen_walked = sum(1 for r in walked.values() if r.startswith("Qwen/"))
    (qwen_mart,) = con.execute(
        "select count(*) from marts.fct_model_lineage where root_model_id like 'Qwen/%'"
    ).fetchall()[0]
    assert qwen_mart == qwen_walked > 0
    assert {m: lineage[m] for m in walked} == walked


def test_crossover_and_concentration_are_consistent_with_the_shares(con):
    (latest,) = con.execute(
        "select max(period_start) from marts.mart_market_share where metric = 'downloads' "
        "and scope = 'ecosystem' and period_grain = 'month'"
    ).fetchall()[0]
    crossover = con.execute(
        "select china_share_latest, us_share_latest from marts.mart_share_crossovers "
        "where metric = 'downloads' and scope = 'ecosystem' and period_grain = 'month'"
    ).fetchall()[0]
    shares = dict(
        con.execute(
            "select country, share from marts.mart_market_share where metric = 'downloads' "
            "and scope = 'ecosystem' and period_grain = 'month' and period_start = ?",
            [latest],
        ).fetchall()
    )
    (hhi,) = con.execute(
        "select hhi from marts.mart_market_concentration where metric = 'downloads' "
        "and scope = 'ecosystem' and period_grain = 'month' and period_start = ?",
        [latest],
    ).fetchall()[0]

    assert crossover == pytest.approx((shares["CN"], shares["US"]))
    assert 0 < hhi <= 10_000


def test_api_models_count_the_open_weight_models_of_the_month_s_price_lists(con, pipeline):
    (day,) = con.execute(
        "select max(price_date) from marts.mart_cost_ratio where price_source = 'openrouter'"
    ).fetchall()[0]
    month = day.replace(day=1)
    open_weights = set()
    for path in pipeline.price_daily.glob(f"{month:%Y-%m}-*.json*"):
        if dt.date.fromisoformat(path.name[:10]) > day:
            continue  # after the run's range
        listing = read_answer(path)["data"]
        open_weights |= {m["id"].split(":")[0] for m in listing if m.get("hugging_face_id")}
    (counted,) = con.execute(
        "select sum(value) from marts.mart_market_share where metric = 'api_models' "
        "and scope = 'ecosystem' and period_grain = 'month' and period_start = ?",
        [month],
    ).fetchall()[0]

    assert counted == len(open_weights) > 0
