"""Claims with their definitions: every claim states its population, metric, window, country
and credit rules, and is judged under its definition and the nearest alternatives
(`mart_claim_readings`), summed up in `mart_claims` as "holds under k of n readings".

The expected readings are recomputed here from the source files (the rankings answers, the
price lists, the Hub snapshots and the catalog export) and the seeds, and judged with the
seed's thresholds, as the claims are published: nothing is read back from the pipeline's own
intermediate tables.
"""

# The rankings fixtures of test_usage_and_claims are imported and requested by name: pytest
# injects them as arguments, which ruff reads as redefinitions.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict

import duckdb
import polars as pl
import pytest

from ingestion.quality.quarantine import Quarantine
from tests.helpers import daily_counters, real_observations
from tests.pipeline.test_market_share import REGISTRY, downloads_by_country_from_the_files
from tests.pipeline.test_usage_and_claims import (  # noqa: F401  (fixtures used by name)
    SEEDS,
    answers,
    author_country,
    country_of,
    listings,
    slug_to_model,
)
from tests.plugins.pipeline import PipelineCase

pytestmark = pytest.mark.e2e

WHOLE_HUB_MIN_MODELS, MIN_SHARE_SAMPLE = 1_000_000, 30
DEFINITION_COLUMNS = ("population", "metric", "time_window", "country_rule", "credit_rule")
SEED = pl.read_csv(SEEDS / "claims.csv", try_parse_dates=True)


@pytest.fixture(scope="module")
def con(pipeline: PipelineCase):
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def readings(con) -> dict[tuple[str, str], dict]:
    cursor = con.execute("select * from marts.mart_claim_readings")
    names = [c[0] for c in cursor.description]
    return {(r[0], r[1]): dict(zip(names, r, strict=True)) for r in cursor.fetchall()}


def claim(claim_id: str) -> dict:
    (row,) = SEED.filter(pl.col("claim_id") == claim_id).to_dicts()
    return row


def judge(
    claim_id: str,
    window: tuple[dt.date, dt.date] | None,
    measured=None,
    holds=None,
    bounds: tuple[float, float] | None = None,
    sample_is_enough: bool = True,
) -> str:
    """The verdict as the seed states the claim: outside its period `not_measurable`; with a
    tolerance, bounds all outside the band refute it, a measure within it bounded on both sides
    (infinite: unbounded) holds, bounds that reach the band decide nothing; else the ordering."""
    seed = claim(claim_id)
    start, end = seed["claim_period_start"], seed["claim_period_end"]
    if window is None or window[0] > (end or window[1]) or window[1] < start:
        return "not_measurable"
    if not sample_is_enough:
        return "not_measurable"
    if seed["tolerance"] is None:
        return "not_measurable" if holds is None else ("consistent" if holds else "not_consistent")
    if measured is None:
        return "not_measurable"
    published, tolerance = seed["published_number"], seed["tolerance"]
    low, high = bounds or (measured, measured)
    if high < published - tolerance or low > published + tolerance:
        return "not_consistent"
    if abs(measured - published) <= tolerance and math.isfinite(low) and math.isfinite(high):
        return "consistent"
    return "not_measurable"


def test_every_claim_states_its_definition_source_and_date(con):
    assert SEED.height >= 13
    for row in SEED.to_dicts():
        for column in ("source", "published", "claim", *DEFINITION_COLUMNS):
            assert row[column] and str(row[column]).strip(), (row["claim_id"], column)
    marts = dict(
        con.execute(
            "select claim_id, population || metric || time_window || country_rule || credit_rule "
            "from marts.mart_claims"
        ).fetchall()
    )
    assert set(marts) == set(SEED["claim_id"])
    assert all(marts.values())


def test_each_claim_sums_up_its_readings_and_the_definition_is_the_verdict(con, readings):
    claims = con.execute(
        "select claim_id, verdict, measured_number, readings_holding, readings_measurable, "
        "readings_total, readings_summary from marts.mart_claims"
    ).fetchall()
    for claim_id, verdict, measured, holding, measurable, total, summary in claims:
        own = [r for (c, _), r in readings.items() if c == claim_id]
        (definition,) = [r for r in own if r["is_definition"]]
        verdicts = [r["verdict"] for r in own]
        assert len(own) >= 2, claim_id  # the definition and at least one alternative
        assert definition["reading_id"] == "as_defined"
        assert (definition["verdict"], definition["measured_number"]) == (verdict, measured)
        assert holding == verdicts.count("consistent")
        assert measurable == len(verdicts) - verdicts.count("not_measurable")
        assert total == len(own)
        assert summary.startswith(f"holds under {holding} of {total} readings"), claim_id


def usage_rows(answers, listings, slug_to_model, author_country):
    """Every row of every answer as (day, key of its model, permaslug, country, open, tokens,
    is_other, is_free)."""
    for day, answer in answers.items():
        for row in answer["data"]:
            slug = row["model_permaslug"]
            tokens = int(row["total_tokens"])
            if slug == "other":
                yield day, None, slug, "outside_top_50", None, tokens, True, False
                continue
            base, _, variant = slug.partition(":")
            model_id = slug_to_model.get(base)
            is_open = None if model_id is None else listings[model_id]["open"]
            country = country_of(model_id or base, author_country)
            yield day, model_id or base, slug, country, is_open, tokens, False, variant == "free"


def test_the_usage_shares_under_each_reading_are_the_answers(
    readings, answers, listings, slug_to_model, author_country
):
    rows = list(usage_rows(answers, listings, slug_to_model, author_country))
    window = (min(answers), max(answers))
    cases = {
        "as_defined": (True, True),
        "without_free": (False, True),
        "other_left_out": (True, False),
    }
    for reading_id, (with_free, with_other) in cases.items():
        kept = [r for r in rows if (with_free or not r[7]) and (with_other or not r[6])]
        cn_open = sum(r[5] for r in kept if r[3] == "CN" and r[4])
        open_ = sum(r[5] for r in kept if r[4])
        unknown = sum(r[5] for r in kept if r[4] is None)
        total = sum(r[5] for r in kept)
        expected = {
            "cn_open_13pct_of_all_usage": (
                cn_open / total,
                (cn_open / total, (cn_open + unknown) / total),
            ),
        }
        if with_other:
            expected["cn_open_half_of_open_usage"] = (cn_open / open_, None)
        for claim_id, (measured, bounds) in expected.items():
            got = readings[(claim_id, reading_id)]
            assert got["measured_number"] == pytest.approx(measured, rel=1e-12), (
                claim_id,
                reading_id,
            )
            assert got["verdict"] == judge(claim_id, window, measured, bounds=bounds), (
                claim_id,
                reading_id,
            )


def test_the_week_claims_need_all_seven_days_and_read_the_answers(
    readings, answers, listings, slug_to_model, author_country
):
    rows = list(usage_rows(answers, listings, slug_to_model, author_country))
    week = [dt.date(2026, 2, 9) + dt.timedelta(days=n) for n in range(7)]
    in_week = [r for r in rows if r[0] in week]
    complete = {r[0] for r in in_week} == set(week)
    for reading_id, with_free, other_against in (
        ("as_defined", True, False),
        ("without_free", False, False),
        ("other_against", True, True),
    ):
        kept = [r for r in in_week if with_free or not r[7]]
        cn = sum(r[5] for r in kept if r[3] == "CN")
        us = sum(r[5] for r in kept if r[3] == "US" or (other_against and r[6]))
        got = readings[("openrouter_week_2026_02_09_cn_ahead", reading_id)]
        if not complete:
            assert got["measured_number"] is None
            assert got["verdict"] == "not_measurable"
            continue
        assert got["measured_number"] == pytest.approx(cn / us, rel=1e-12)
        assert got["verdict"] == judge(
            "openrouter_week_2026_02_09_cn_ahead", (week[0], week[-1]), holds=cn > us
        )


def test_the_top20_with_variants_merged_ranks_each_model_once(
    readings, answers, listings, slug_to_model, author_country
):
    per_day: dict[dt.date, dict[str, list]] = defaultdict(dict)
    for day, key, _, country, _, tokens, is_other, _ in usage_rows(
        answers, listings, slug_to_model, author_country
    ):
        if not is_other:
            entry = per_day[day].setdefault(key, [0, country])
            entry[0] += tokens
    chinese = []
    for entries in per_day.values():
        ranked = sorted(entries.items(), key=lambda kv: (-kv[1][0], kv[0]))[:20]
        chinese.append(sum(1 for _, (_, country) in ranked if country == "CN"))
    median = statistics.median(chinese)
    got = readings[("openrouter_top20_seven_chinese", "variants_merged")]

    assert got["measured_number"] == median
    assert got["verdict"] == judge(
        "openrouter_top20_seven_chinese", (min(answers), max(answers)), median
    )


def test_who_leads_downloads_is_read_on_the_latest_complete_month(pipeline, readings):
    days = sorted(
        dt.date.fromisoformat(p.stem)
        for p in pipeline.in_run(list(pipeline.hub_daily.glob("*.parquet")))
    )
    after = days[-1] + dt.timedelta(days=1)
    month = (after.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    by_country = downloads_by_country_from_the_files(pipeline, month)
    total = sum(by_country.values())
    got = readings[("cn_downloads_passed_us", "as_defined")]
    month_end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)

    assert (got["measured_window_start"], got["measured_window_end"]) == (month, month_end)
    assert got["measured_number"] == pytest.approx(by_country.get("CN", 0) / total, abs=1e-6)
    assert got["verdict"] == judge(
        "cn_downloads_passed_us",
        (month, month_end),
        holds=by_country.get("CN", 0) > by_country.get("US", 0),
    )


def test_the_release_licence_claims_are_the_catalogs_chinese_releases(pipeline, readings):
    registry = pl.read_csv(SEEDS / "developer_registry.csv")
    chinese = set(registry.filter(pl.col("country") == "CN")["hub_org"])
    catalog = pl.read_parquet(pipeline.catalog_file())
    # Each model's newest observation gives its tags (the catalog's where it has none).
    daily_tags: dict[str, list] = {}
    for path in pipeline.in_run(list(pipeline.hub_daily.glob("*.parquet"))):
        frame = pl.read_parquet(path, columns=["id", "tags"])
        daily_tags.update(zip(frame["id"].to_list(), frame["tags"].to_list(), strict=True))
    releases = []
    for row in catalog.to_dicts():
        tags = daily_tags.get(row["id"], row["tags"]) or []
        created = row["createdAt"].date() if row["createdAt"] else None
        total = (row["safetensors"] or {}).get("total") or 0
        if (
            row["id"].split("/")[0] in chinese
            and created is not None
            and dt.date(2026, 1, 1) <= created <= dt.date(2026, 6, 30)
            and total > 20_000_000_000
            and row["baseModels"] is None
            and not any(t.startswith("base_model:") for t in tags)
        ):
            releases.append(next((t[8:] for t in tags if t.startswith("license:")), None))
    catalog_day = dt.date.fromisoformat(pipeline.catalog_file().stem[-10:])
    window = (dt.date(2026, 1, 1), min(dt.date(2026, 6, 30), catalog_day))
    for claim_id, licence in (
        ("hf_cn_20b_releases_2026_apache", "apache-2.0"),
        ("hf_cn_20b_releases_2026_mit", "mit"),
    ):
        got = readings[(claim_id, "as_defined")]
        measured = releases.count(licence) / len(releases) if releases else None
        assert got["measured_number"] == (pytest.approx(measured) if releases else None)
        # A whole-Hub claim needs a whole-Hub catalog (the demo's and the recordings' are
        # samples) and a share at least 30 releases (dbt vars of the same names).
        enough = catalog.height >= WHOLE_HUB_MIN_MODELS and len(releases) >= MIN_SHARE_SAMPLE
        assert got["verdict"] == judge(claim_id, window, measured, sample_is_enough=enough)


CUMULATIVE_CLAIMS = {
    "cn_540m_downloads_oct_2025": dt.date(2025, 10, 31),
    "atom_cn_1_15b_us_723m_mar_2026": dt.date(2026, 3, 31),
}


def cumulative_reading(pipeline: PipelineCase, claim_id: str):
    """(window, measure, bounds) of a cumulative claim from the snapshot files (quarantined days
    and stale repeats left out): counters only grow, so each model's last counter on or before
    the date is a lower bound, its first on or after it an upper one; a model whose
    organisation has no country may be either side's."""
    target = CUMULATIVE_CLAIMS[claim_id]
    quarantine = Quarantine(pipeline.data_dir / "quarantine", "hub_model_snapshots")
    skip = sorted(entry.day for entry in quarantine.entries())
    days = [
        dt.date.fromisoformat(p.stem)
        for p in pipeline.in_run(list(pipeline.hub_daily.glob("*.parquet")))
    ]
    frame = real_observations(
        daily_counters(pipeline.hub_daily)
        .filter(pl.col("day").is_in(days) & ~pl.col("day").is_in(skip))
        .drop_nulls("counter")
    ).sort("day")
    window = (frame["day"].min(), frame["day"].max())
    countries = dict(zip(REGISTRY["hub_org"], REGISTRY["country"], strict=True))
    side = {"low": pl.col("day") <= target, "high": pl.col("day") >= target}
    per_model = [
        frame.filter(when)
        .group_by("model_id")
        .agg(pl.col("counter").last() if name == "low" else pl.col("counter").first(), "author")
        .select("model_id", pl.col("counter").alias(name), pl.col("author").list.last())
        for name, when in side.items()
    ]
    if per_model[0].is_empty():  # nothing observed by the date
        return window, None, None
    both = (
        per_model[0]
        .join(per_model[1], on="model_id", how="full", coalesce=True)
        .select(
            pl.coalesce("author", "author_right")
            .replace_strict(countries, default="unattributed")
            .alias("country"),
            pl.col("low").fill_null(0),
            pl.coalesce("high", "low").alias("high"),
        )
    )
    sums = both.group_by("country").agg(pl.col("low").sum(), pl.col("high").sum())
    low = dict(zip(sums["country"], sums["low"], strict=True))
    high = dict(zip(sums["country"], sums["high"], strict=True))
    reaches = window[1] >= target
    unknown = high.get("unattributed", 0)
    cn_low, cn_high = low.get("CN", 0), high.get("CN", 0)
    if claim_id == "cn_540m_downloads_oct_2025":
        return window, cn_low, (cn_low, cn_high + unknown if reaches else math.inf)
    if not reaches or not low.get("US"):
        return window, None, None
    us_low, us_high = low["US"], high.get("US", 0)
    return window, cn_low / us_low, (cn_low / (us_high + unknown), (cn_high + unknown) / us_low)


def test_the_cumulative_claims_are_bounded_by_the_counters_around_their_dates(pipeline, readings):
    for claim_id in CUMULATIVE_CLAIMS:
        window, measured, bounds = cumulative_reading(pipeline, claim_id)
        got = readings[(claim_id, "as_defined")]
        if window[0] <= CUMULATIVE_CLAIMS[claim_id] <= window[1]:  # the demo's ratio by March
            assert measured is not None and math.isfinite(bounds[1]), claim_id
        if measured is None:
            assert got["measured_number"] is None, claim_id
        else:
            assert got["measured_number"] == pytest.approx(measured, rel=1e-12), claim_id
        assert got["verdict"] == judge(claim_id, window, measured, bounds=bounds), claim_id


def test_whole_hub_claims_are_not_judged_on_a_sample_of_the_hub(pipeline, readings):
    catalog_models = pl.read_parquet(pipeline.catalog_file(), columns=["id"])["id"].n_unique()
    whole_hub = [
        row
        for (claim_id, _), row in readings.items()
        if claim_id.startswith("hf_") and row["reading_id"] != "tracked_population"
    ]

    assert whole_hub
    for row in whole_hub:
        if catalog_models < WHOLE_HUB_MIN_MODELS:
            assert row["verdict"] == "not_measurable", row["claim_id"]
            assert f"holds {catalog_models:,} models, not the whole Hub" in row["evidence"]
