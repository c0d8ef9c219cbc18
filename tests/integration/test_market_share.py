"""Market share and lineage on the bundled data, checked against the recordings themselves."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.conftest import CATALOG_FILE, RECORDED, ROOT

pytestmark = pytest.mark.e2e

REGISTRY = pl.read_csv(ROOT / "dbt_project" / "seeds" / "developer_registry.csv")


@pytest.fixture(scope="module")
def con(pipeline_data_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(pipeline_data_dir / "warehouse.duckdb"), read_only=True) as connection:
        yield connection


def july_downloads_by_country_from_the_files() -> dict[str, float]:
    """Spread every counter increase evenly over its gap and keep the July days: the mart's
    rule, computed here independently with floats from the snapshot files."""
    counters = (
        pl.read_parquet(RECORDED / "hub" / "daily" / "*.parquet", include_file_paths="path")
        .select(
            "id",
            "author",
            pl.col("path").str.extract(r"(\d{4}-\d{2}-\d{2})\.parquet$").str.to_date().alias("day"),
            pl.col("downloadsAllTime").alias("counter"),
        )
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
            july_days = sum(1 for d in covered if (d.year, d.month) == (2026, 7))
            totals[country] += max(value - previous, 0) * july_days / gap
    return dict(totals)


def test_july_download_shares_agree_with_the_snapshot_files(con):
    expected = july_downloads_by_country_from_the_files()
    total = sum(expected.values())
    rows = con.execute(
        "select country, share from marts.mart_market_share "
        "where metric = 'downloads' and scope = 'ecosystem' and period_grain = 'month' "
        "and period_start = date '2026-07-01'"
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


def test_mainline_leaves_out_repackagings(con):
    (repackaged,) = con.execute(
        "select sum(d.downloads) from marts.fct_model_downloads_daily d "
        "join marts.dim_models m using (model_id) "
        "where m.is_repackaging and d.download_date >= date '2026-07-01'"
    ).fetchone()
    (gap,) = con.execute(
        "select sum(value) filter (where scope = 'ecosystem') "
        "- sum(value) filter (where scope = 'mainline') from marts.mart_market_share "
        "where metric = 'downloads' and period_grain = 'month' and period_start = date '2026-07-01'"
    ).fetchone()

    assert repackaged > 0
    assert gap == repackaged


def walk_roots_from_the_catalog() -> dict[str, str]:
    """A direct recursive walk of `baseModels` in the bundled hub-stats file, with the parent
    rule of the marts: for several parents, the first of those published by a registry org."""
    catalog = pl.read_parquet(CATALOG_FILE).filter(pl.col("baseModels").is_not_null())
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


def test_every_derivative_has_its_root_and_qwen_roots_agree_with_a_direct_walk(con):
    walked = walk_roots_from_the_catalog()
    lineage = dict(
        con.execute("select model_id, root_model_id from marts.fct_model_lineage").fetchall()
    )

    assert len(walked) == 2586
    assert set(walked) <= set(lineage)
    assert all(lineage[m] for m in walked)
    qwen_walked = sum(1 for r in walked.values() if r.startswith("Qwen/"))
    (qwen_mart,) = con.execute(
        "select count(*) from marts.fct_model_lineage where root_model_id like 'Qwen/%'"
    ).fetchone()
    assert qwen_mart == qwen_walked > 300
    assert {m: lineage[m] for m in walked} == walked


def test_crossover_and_concentration_are_consistent_with_the_shares(con):
    crossover = con.execute(
        "select china_share_latest, us_share_latest from marts.mart_share_crossovers "
        "where metric = 'downloads' and scope = 'ecosystem' and period_grain = 'month'"
    ).fetchone()
    shares = dict(
        con.execute(
            "select country, share from marts.mart_market_share where metric = 'downloads' "
            "and scope = 'ecosystem' and period_grain = 'month' and period_start = date '2026-07-01'"
        ).fetchall()
    )
    (hhi,) = con.execute(
        "select hhi from marts.mart_market_concentration where metric = 'downloads' "
        "and scope = 'ecosystem' and period_grain = 'month' and period_start = date '2026-07-01'"
    ).fetchone()

    assert crossover == pytest.approx((shares["CN"], shares["US"]))
    assert 0 < hhi <= 10_000


def test_api_models_count_the_open_weight_models_of_the_openrouter_snapshot(con):
    listing = json.loads((RECORDED / "openrouter" / "2026-08-19.json").read_text())["data"]
    open_weights = {m["id"].split(":")[0] for m in listing if m.get("hugging_face_id")}
    (counted,) = con.execute(
        "select sum(value) from marts.mart_market_share where metric = 'api_models' "
        "and scope = 'ecosystem' and period_grain = 'month' and period_start = date '2026-08-01'"
    ).fetchone()

    assert counted == len(open_weights) > 150
