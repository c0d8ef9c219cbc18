"""The 2025 claims get a verdict on generated data that reaches 2025 (a demo from September 2024
to November 2025), and each verdict is what a direct computation from the files gives, judged
by the claims' rule (`judge`): the Hub's counters for the downloads claims, the rankings and
price answers for OpenRouter's. On the same run: the attribution marts (unattributed
organisations, the coverage of every share, repackagers)."""

# The rankings fixtures of test_usage_and_claims are imported and requested by name, on this
# module's own `pipeline`: pytest injects them as arguments, which ruff reads as redefinitions.
# ruff: noqa: F811

from __future__ import annotations

import csv
import datetime as dt
import math
import statistics

import duckdb
import polars as pl
import pytest

from ingestion.quality.quarantine import Quarantine
from orchestration.lib.settings import DBT_PROJECT_DIR
from simulation.demo import DemoSpec, ensure_demo
from tests.data import read_answer
from tests.pipeline.test_claim_readings import SEED, cumulative_reading, judge, usage_rows
from tests.pipeline.test_market_share import downloads_by_country_from_the_files
from tests.pipeline.test_usage_and_claims import (  # noqa: F401  (fixtures used by name)
    answers,
    author_country,
    listings,
    pair_ratios,
    slug_to_model,
)
from tests.plugins.pipeline import PipelineCase, run_pipeline

pytestmark = pytest.mark.e2e

# 430 days from 2024-09-01 (to 2025-11-04): the 12 months to August 2025, October 2025 whole
# (the latest complete month, and the counters on 2025-10-31 with days after it), and 60 days of
# rankings in 2025.
SPEC = DemoSpec(start=dt.date(2024, 9, 1), days=430, price_days=430, rankings_days=60, models=150)
# The claims about 2025: their period starts or ends in 2025.
CLAIMS_2025 = tuple(
    row["claim_id"]
    for row in SEED.to_dicts()
    if row["claim_period_start"].year == 2025
    or (row["claim_period_end"] is not None and row["claim_period_end"].year == 2025)
)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory) -> PipelineCase:
    """The demo from 2024, run once as `make run` runs it; the fixtures of the usage tests
    (answers, listings) read its files through this case."""
    folder = tmp_path_factory.mktemp("demo-2024") / "recordings"
    ensure_demo(folder, SPEC)
    case = PipelineCase("demo-2025", folder.parent / "data", folder)
    run_pipeline(case.data_dir, recordings=folder)
    return case


@pytest.fixture(scope="module")
def claims(pipeline: PipelineCase) -> dict[str, dict]:
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as con:
        cursor = con.execute("select * from marts.mart_claims")
        names = [c[0] for c in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def registry() -> dict[str, str]:
    with (DBT_PROJECT_DIR / "seeds" / "developer_registry.csv").open() as handle:
        return {row["hub_org"]: row["country"] for row in csv.DictReader(handle)}


def counters(pipeline: PipelineCase) -> pl.DataFrame:
    """Every stored day's lifetime counters (the quarantined day is not stored), with the
    country of the model's organisation."""
    quarantine = Quarantine(pipeline.data_dir / "quarantine", "hub_model_snapshots")
    skip = {entry.day.isoformat() for entry in quarantine.entries()}
    frames = [
        pl.read_parquet(path, columns=["id", "author", "downloadsAllTime"]).with_columns(
            pl.lit(dt.date.fromisoformat(path.stem)).alias("day")
        )
        for path in sorted(pipeline.hub_daily.glob("*.parquet"))
        if path.stem not in skip
    ]
    return pl.concat(frames).with_columns(
        pl.col("author").replace_strict(registry(), default="unattributed").alias("country")
    )


def window(frame: pl.DataFrame) -> tuple[dt.date, dt.date]:
    return frame["day"].min(), frame["day"].max()


def test_every_2025_claim_gets_a_verdict_that_says_what_it_rests_on(claims):
    assert len(CLAIMS_2025) == 7
    decided = {c: claims[c]["verdict"] for c in CLAIMS_2025}
    assert set(decided.values()) <= {"consistent", "not_consistent"}, decided
    for claim_id in CLAIMS_2025:
        assert claims[claim_id]["coverage"] and claims[claim_id]["evidence"], claim_id


def test_the_540m_verdict_is_bounded_by_the_counters_around_2025_10_31(pipeline, claims):
    """Counters only grow: the Chinese models' last counters by the date are a lower bound,
    the first ones from it on, with every model whose organisation has no country, an upper."""
    window, measured, (low, high) = cumulative_reading(pipeline, "cn_540m_downloads_oct_2025")
    got = claims["cn_540m_downloads_oct_2025"]

    assert math.isfinite(high)  # the demo reaches past 2025-10-31
    assert got["measured_number"] == pytest.approx(measured, rel=1e-12)
    assert got["verdict"] == judge(
        "cn_540m_downloads_oct_2025", window, measured=measured, bounds=(low, high)
    )
    assert f"Between {low:,} " in got["evidence"] and f" and {high:,} " in got["evidence"]


def test_who_leads_is_read_on_october_2025_the_latest_complete_month(pipeline, claims):
    month = dt.date(2025, 10, 1)
    by_country = downloads_by_country_from_the_files(pipeline, month)
    got = claims["cn_downloads_passed_us"]

    assert (got["measured_window_start"], got["measured_window_end"]) == (
        month,
        dt.date(2025, 10, 31),
    )
    assert got["measured_number"] == pytest.approx(
        by_country["CN"] / sum(by_country.values()), abs=1e-6
    )
    assert got["verdict"] == judge(
        "cn_downloads_passed_us",
        (month, dt.date(2025, 10, 31)),
        holds=by_country["CN"] > by_country["US"],
    )


def test_the_12_month_verdict_is_the_counters_growth_by_country(pipeline, claims):
    frame = counters(pipeline).filter(
        pl.col("day").is_between(dt.date(2024, 9, 1), dt.date(2025, 8, 31))
    )
    grown = (
        frame.sort("day")
        .group_by("id", "country")
        .agg((pl.col("downloadsAllTime").last() - pl.col("downloadsAllTime").first()).alias("d"))
        .group_by("country")
        .agg(pl.col("d").sum())
    )
    by_country = dict(grown.iter_rows())
    assert frame["day"].n_unique() >= 365 / 2
    assert claims["cn_17_us_16_downloads_12m_aug_2025"]["verdict"] == judge(
        "cn_17_us_16_downloads_12m_aug_2025",
        window(frame),
        holds=by_country["CN"] > by_country["US"],
    )


def test_the_top_20_verdict_is_the_median_of_chinese_entries(pipeline, claims):
    with (DBT_PROJECT_DIR / "seeds" / "openrouter_authors.csv").open() as handle:
        developers = {row["author"]: row["developer_id"] for row in csv.DictReader(handle)}
    with (DBT_PROJECT_DIR / "seeds" / "developer_registry.csv").open() as handle:
        countries = {row["developer_id"]: row["country"] for row in csv.DictReader(handle)}
    chinese, days = [], []
    for path in sorted(pipeline.rankings_daily.glob("*.json")):
        rows = [r for r in read_answer(path)["data"] if r["model_permaslug"] != "other"]
        top = sorted(rows, key=lambda r: (-int(r["total_tokens"]), r["model_permaslug"]))[:20]
        authors = (r["model_permaslug"].split("/")[0] for r in top)
        chinese.append(sum(countries.get(developers.get(a, ""), "") == "CN" for a in authors))
        days.append(dt.date.fromisoformat(path.stem))
    median = statistics.median(chinese)
    got = claims["openrouter_top20_seven_chinese"]

    assert got["measured_number"] == pytest.approx(median)
    assert got["verdict"] == judge(
        "openrouter_top20_seven_chinese", (min(days), max(days)), measured=median
    )


def test_the_open_usage_verdicts_are_the_rankings_shares(
    claims, answers, listings, slug_to_model, author_country
):
    rows = list(usage_rows(answers, listings, slug_to_model, author_country))
    cn_open = sum(r[5] for r in rows if r[3] == "CN" and r[4])
    open_ = sum(r[5] for r in rows if r[4])
    unknown = sum(r[5] for r in rows if r[4] is None)
    total = sum(r[5] for r in rows)
    days = (min(answers), max(answers))
    expected = {
        "cn_open_half_of_open_usage": (cn_open / open_, None),
        "cn_open_13pct_of_all_usage": (
            cn_open / total,
            (cn_open / total, (cn_open + unknown) / total),
        ),
    }
    for claim_id, (measured, bounds) in expected.items():
        got = claims[claim_id]
        assert got["measured_number"] == pytest.approx(measured, rel=1e-12), claim_id
        assert got["verdict"] == judge(claim_id, days, measured, bounds=bounds), claim_id


def test_the_deepseek_verdict_is_the_largest_ratio_of_the_price_answers(pipeline, claims):
    """OpenRouter's list prices (the demo's only price source for the pairs) on each day."""
    with (DBT_PROJECT_DIR / "seeds" / "reference_model_pairs.csv").open() as handle:
        pairs = [
            (row["model_id"], row["reference_model_id"])
            for row in csv.DictReader(handle)
            if row["model_id"].startswith("deepseek/")
            and row["reference_model_id"].startswith("openai/")
        ]
    ratios: dict[dt.date, float] = {}
    for (day, _), ratio in pair_ratios(sorted(pipeline.price_daily.glob("*.json*")), pairs).items():
        ratios[day] = max(ratios.get(day, 0.0), ratio)
    got = claims["deepseek_40x_cheaper_than_openai"]

    assert got["measured_number"] == pytest.approx(max(ratios.values()), rel=1e-9)
    assert got["verdict"] == judge(
        "deepseek_40x_cheaper_than_openai",
        (min(ratios), max(ratios)),
        measured=max(ratios.values()),
    )


def test_unattributed_organisations_and_the_coverage_of_every_share(pipeline):
    with (DBT_PROJECT_DIR / "seeds" / "developer_registry.csv").open() as handle:
        seed = {row["hub_org"]: row for row in csv.DictReader(handle)}
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as con:
        unattributed = con.sql(
            "select period_start, period_grain, hub_org, org_type, downloads "
            "from marts.mart_unattributed_orgs"
        ).fetchall()
        shares = con.sql(
            "select period_start, period_grain, metric, scope, country, share, country_coverage "
            "from marts.mart_market_share"
        ).fetchall()
        repackaged = con.sql(
            "select hub_org, bool_and(is_repackaging) from marts.dim_models group by hub_org"
        ).fetchall()

    authors = set(counters(pipeline)["author"].unique())
    no_country = {a for a in authors if a not in seed or seed[a]["country"] == "unattributed"}
    assert {row[2] for row in unattributed} <= no_country
    assert {row[2] for row in unattributed}  # the demo has organisations outside the registry
    for _, _, org, org_type, _ in unattributed:
        assert org_type == (seed[org]["org_type"] if org in seed else "unregistered")
    # The unattributed organisations' downloads are the `unattributed` value of the shares.
    by_period: dict[tuple, int] = {}
    for start, grain, _, _, downloads in unattributed:
        by_period[(start, grain)] = by_period.get((start, grain), 0) + downloads
    unattributed_values = {
        (start, grain): share
        for start, grain, metric, scope, country, share, _ in shares
        if metric == "downloads" and scope == "ecosystem" and country == "unattributed"
    }
    assert set(unattributed_values) == {key for key, value in by_period.items() if value > 0}
    # Every share states the fraction of its group that carries a country.
    groups: dict[tuple, list] = {}
    for start, grain, metric, scope, country, share, coverage in shares:
        groups.setdefault((start, grain, metric, scope), []).append((country, share, coverage))
    for rows in groups.values():
        missing = sum(share for country, share, _ in rows if country == "unattributed")
        assert {round(c, 9) for _, _, c in rows} == {round(1 - missing, 9)}
    # Repackagers' models are repackagings: the mainline scope leaves them out.
    typed = {org for org, row in seed.items() if row["org_type"] == "repackager"}
    assert all(flag for org, flag in repackaged if org in typed)
    assert typed & {org for org, _ in repackaged}
