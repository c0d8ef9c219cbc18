"""API usage share from OpenRouter's rankings, the cost ratio of each reference pair over time,
and the claims mart, on the demo and the real recordings.

Every expected value is recomputed here from the raw answers and the seeds with `json` and
Polars: the rankings files for tokens, ranks and the citation; the `/models` answers for the
model behind each permaslug (its `canonical_slug`) and whether it is open weights; the seeds
for developers and countries.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import statistics
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.data import ROOT, read_answer
from tests.plugins.pipeline import PipelineCase

pytestmark = pytest.mark.e2e

SEEDS = ROOT / "dbt_project" / "seeds"
CITATION = "Source: OpenRouter (openrouter.ai/rankings), as of {}"


@pytest.fixture(scope="module")
def con(pipeline: PipelineCase):
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def answers(pipeline: PipelineCase) -> dict[dt.date, dict]:
    """The rankings answers of the run's days, by day."""
    paths = pipeline.in_run(list(pipeline.rankings_daily.glob("*.json")))
    return {dt.date.fromisoformat(p.stem): json.loads(p.read_text()) for p in paths}


@pytest.fixture(scope="module")
def listings(pipeline: PipelineCase) -> dict[str, dict]:
    """What the price answers of the run say of each model (id without suffix), newest day
    last: its canonical slugs, its Hub repository and whether it only outputs text."""
    models: dict[str, dict] = {}
    for path in pipeline.in_run(list(pipeline.price_daily.glob("*.json*"))):
        for row in read_answer(path)["data"]:
            model_id = row["id"].split(":")[0]
            entry = models.setdefault(model_id, {"slugs": set(), "open": False, "day": ""})
            if row.get("canonical_slug"):
                entry["slugs"].add(row["canonical_slug"])
            if path.name[:10] >= entry["day"]:  # the newest listing decides
                if path.name[:10] > entry["day"]:
                    entry["open"] = False
                entry["day"] = path.name[:10]
                entry["open"] |= bool(row.get("hugging_face_id"))
    return models


@pytest.fixture(scope="module")
def slug_to_model(listings) -> dict[str, str]:
    owners: dict[str, set[str]] = defaultdict(set)
    for model_id, entry in listings.items():
        for slug in entry["slugs"]:
            owners[slug].add(model_id)
    # Versioned slugs name one model; a slug claimed by two would need the newest-listing rule.
    assert all(len(ids) == 1 for ids in owners.values())
    return {slug: next(iter(ids)) for slug, ids in owners.items()}


@pytest.fixture(scope="module")
def author_country() -> dict[str, str]:
    authors = pl.read_csv(SEEDS / "openrouter_authors.csv")
    registry = pl.read_csv(SEEDS / "developer_registry.csv").unique("developer_id")
    joined = authors.join(registry.select("developer_id", "country"), on="developer_id")
    return dict(zip(joined["author"], joined["country"], strict=True))


def country_of(model_or_slug: str, author_country: dict[str, str]) -> str:
    return author_country.get(model_or_slug.split("/")[0].lstrip("~"), "unattributed")


def ranked(answer: dict) -> list[dict]:
    return [row for row in answer["data"] if row["model_permaslug"] != "other"]


def test_the_run_has_rankings_to_check(answers):
    assert len(answers) > 0


def test_each_days_tokens_sum_to_the_days_rows_other_included(con, answers):
    by_day = dict(
        con.execute(
            "select period_start, sum(tokens) from marts.mart_api_usage_share "
            "where period_grain = 'day' group by period_start"
        ).fetchall()
    )
    other = dict(
        con.execute(
            "select period_start, tokens from marts.mart_api_usage_share "
            "where period_grain = 'day' and country = 'outside_top_50'"
        ).fetchall()
    )
    expected = {day: sum(int(r["total_tokens"]) for r in a["data"]) for day, a in answers.items()}
    expected_other = {
        day: int(next(r for r in a["data"] if r["model_permaslug"] == "other")["total_tokens"])
        for day, a in answers.items()
    }

    assert {day: int(tokens) for day, tokens in by_day.items()} == expected
    assert {day: int(tokens) for day, tokens in other.items()} == expected_other


def test_shares_sum_to_one_in_every_period_and_weeks_say_how_many_days_they_cover(con, answers):
    periods = con.execute(
        "select period_grain, period_start, sum(share), any_value(days_covered), "
        "count(distinct days_covered) "
        "from marts.mart_api_usage_share group by all"
    ).fetchall()
    weeks: dict[dt.date, int] = defaultdict(int)
    for day in answers:
        weeks[day - dt.timedelta(days=day.weekday())] += 1

    assert {grain for grain, *_ in periods} == {"day", "week", "month"}
    for _, _, total, _, distinct in periods:
        assert total == pytest.approx(1.0, abs=1e-9)
        assert distinct == 1
    assert {start: covered for grain, start, _, covered, _ in periods if grain == "week"} == weeks


def test_the_top_models_are_the_answers_ranked_rows_in_order(con, answers):
    rows = con.execute(
        "select usage_date, rank, model_permaslug, tokens, day_tokens, share "
        "from marts.mart_api_top_models order by usage_date, rank"
    ).fetchall()
    expected = []
    for day, answer in sorted(answers.items()):
        total = sum(int(r["total_tokens"]) for r in answer["data"])
        for position, row in enumerate(ranked(answer), start=1):
            expected.append(
                (day, position, row["model_permaslug"], int(row["total_tokens"]), total)
            )

    assert [(d, r, s, int(t), int(total)) for d, r, s, t, total, _ in rows] == expected
    for _, _, _, tokens, total, share in rows:
        assert share == pytest.approx(float(tokens) / float(total), rel=1e-12)


def test_permaslugs_resolve_through_canonical_slug_and_variants_keep_their_suffix(
    con, slug_to_model, author_country
):
    rows = con.execute(
        "select model_permaslug, model_id, openrouter_id, is_listed, country "
        "from marts.mart_api_top_models"
    ).fetchall()
    listed = 0
    for permaslug, model_id, openrouter_id, is_listed, country in rows:
        base, _, variant = permaslug.partition(":")
        expected_model = slug_to_model.get(base)
        assert is_listed == (expected_model is not None), permaslug
        assert model_id == expected_model, permaslug
        if expected_model is not None:
            listed += 1
            suffix = f":{variant}" if variant else ""
            assert openrouter_id == expected_model + suffix
            assert country == country_of(expected_model, author_country), permaslug
        else:
            assert country == country_of(base, author_country), permaslug
    assert listed > 0


def test_every_row_cites_openrouter_with_its_days_as_of(con, answers):
    rows = con.execute(
        "select usage_date, source_citation from marts.mart_api_top_models"
    ).fetchall()
    day_rows = con.execute(
        "select period_start, source_citation from marts.mart_api_usage_share "
        "where period_grain = 'day'"
    ).fetchall()
    expected = {day: CITATION.format(a["meta"]["as_of"]) for day, a in answers.items()}

    for day, citation in [*rows, *day_rows]:
        assert citation == expected[day]


def _open_weights(model_id: str | None, listings: dict[str, dict]) -> bool | None:
    return None if model_id is None else listings[model_id]["open"]


def test_the_usage_claims_are_measured_on_the_rankings(
    con, answers, listings, slug_to_model, author_country
):
    cn_open = open_ = total = 0
    chinese_in_top20 = []
    for answer in answers.values():
        chinese = 0
        for row in answer["data"]:
            tokens = int(row["total_tokens"])
            total += tokens
            if row["model_permaslug"] == "other":
                continue
            base = row["model_permaslug"].split(":")[0]
            model_id = slug_to_model.get(base)
            country = country_of(model_id or base, author_country)
            if _open_weights(model_id, listings):
                open_ += tokens
                cn_open += tokens if country == "CN" else 0
        for row in ranked(answer)[:20]:
            base = row["model_permaslug"].split(":")[0]
            chinese += country_of(slug_to_model.get(base, base), author_country) == "CN"
        chinese_in_top20.append(chinese)
    claims = dict(con.execute("select claim_id, measured_number from marts.mart_claims").fetchall())
    citations = dict(
        con.execute("select claim_id, source_citation from marts.mart_claims").fetchall()
    )

    assert claims["cn_open_half_of_open_usage"] == pytest.approx(cn_open / open_, rel=1e-12)
    assert claims["cn_open_13pct_of_all_usage"] == pytest.approx(cn_open / total, rel=1e-12)
    assert claims["openrouter_top20_seven_chinese"] == statistics.median(chinese_in_top20)
    newest = max(answers)
    for claim_id in ("cn_open_half_of_open_usage", "openrouter_top20_seven_chinese"):
        assert citations[claim_id] == CITATION.format(answers[newest]["meta"]["as_of"])


def blended(row: dict) -> Decimal:
    pricing = row["pricing"]
    return (
        (3 * Decimal(pricing["prompt"]) + Decimal(pricing["completion"]))
        * Decimal("0.25")
        * 1_000_000
    )


def pair_ratios(paths: list[Path], pairs: list[tuple[str, str]]) -> dict[tuple, float]:
    """(day, model) -> the reference's blended price over the model's, from the raw answers:
    text models with both prices above zero."""
    wanted = {model_id for pair in pairs for model_id in pair}
    ratios = {}
    for path in paths:
        day = dt.date.fromisoformat(path.name[:10])
        prices = {row["id"]: row for row in read_answer(path)["data"] if row["id"] in wanted}
        for model_id, reference_id in pairs:
            model, reference = prices.get(model_id), prices.get(reference_id)
            if model is None or reference is None:
                continue
            if model["architecture"]["output_modalities"] != ["text"]:
                continue
            if min(blended(model), blended(reference)) <= 0:
                continue
            ratios[(day, model_id)] = float(blended(reference)) / float(blended(model))
    return ratios


def test_pair_ratios_on_recorded_days_are_the_answers_prices(con, pipeline):
    pairs = pl.read_csv(SEEDS / "reference_model_pairs.csv")
    expected = pair_ratios(
        pipeline.in_run(list(pipeline.price_daily.glob("*.json*"))),
        list(zip(pairs["model_id"], pairs["reference_model_id"], strict=True)),
    )
    rows = dict(
        ((day, model_id), ratio)
        for day, model_id, ratio in con.execute(
            "select period_start, model_id, times_cheaper from marts.mart_pair_cost_ratio "
            "where period_grain = 'day' and price_tier = 'standard' "
            "and model_price_source = 'openrouter' and reference_price_source = 'openrouter'"
        ).fetchall()
    )

    assert expected
    for key, ratio in expected.items():
        assert rows[key] == pytest.approx(ratio, rel=1e-9), key


def test_a_month_never_mixes_price_sources_in_one_figure(con):
    months = con.execute(
        "select period_start, model_id, price_tier, model_price_source, reference_price_source, "
        "days_priced from marts.mart_pair_cost_ratio where period_grain = 'month'"
    ).fetchall()
    days = dict(
        ((start, model, tier, source, reference), count)
        for start, model, tier, source, reference, count in con.execute(
            "select date_trunc('month', period_start)::date, model_id, price_tier, "
            "model_price_source, reference_price_source, count(*) "
            "from marts.mart_pair_cost_ratio where period_grain = 'day' group by all"
        ).fetchall()
    )

    assert months
    assert {row[:5]: row[5] for row in months} == days


def test_every_claim_has_a_row_with_its_evidence_and_a_verdict(con):
    seed = pl.read_csv(SEEDS / "claims.csv")
    rows = con.execute(
        "select claim_id, verdict, evidence, measured_window, coverage from marts.mart_claims"
    ).fetchall()

    assert sorted(r[0] for r in rows) == sorted(seed["claim_id"])
    for claim_id, verdict, evidence, window, coverage in rows:
        assert verdict in {"consistent", "not_consistent", "not_measurable"}, claim_id
        assert evidence and window and coverage, claim_id


def test_the_deepseek_claim_is_the_largest_deepseek_openai_ratio_of_any_day(con):
    (largest,) = con.execute(
        "select max(times_cheaper) from marts.mart_pair_cost_ratio where period_grain = 'day' "
        "and model_id like 'deepseek/%' and reference_model_id like 'openai/%'"
    ).fetchone()
    (measured,) = con.execute(
        "select measured_number from marts.mart_claims "
        "where claim_id = 'deepseek_40x_cheaper_than_openai'"
    ).fetchone()

    assert largest is not None
    assert measured == largest


def test_the_summary_prints_the_claims_and_the_citation(pipeline, con):
    from rich.console import Console

    from cli.summary import print_summary
    from orchestration.lib.settings import Settings

    settings = Settings.from_env(
        {"DATA_DIR": str(pipeline.data_dir)}
        | ({} if pipeline.is_demo else {"RECORDINGS_DIR": str(pipeline.recordings)})
    )
    console = Console(width=200, record=True, file=io.StringIO())
    print_summary(settings, console)
    text = console.export_text()
    verdicts = [v for (v,) in con.execute("select verdict from marts.mart_claims").fetchall()]

    assert "Published claims against the data" in text
    assert "Source: OpenRouter (openrouter.ai/rankings), as of" in text
    for verdict in set(verdicts):
        assert text.count(verdict) >= verdicts.count(verdict)
