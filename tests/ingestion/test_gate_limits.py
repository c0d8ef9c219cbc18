"""The gate refuses what the warehouse cannot hold or what cannot be true (issue 11): a day
after today (UTC), counters and tokens beyond the declared bounds, prices DECIMAL(38, 18)
cannot hold exactly. Each refusal names the file and the field; limits come from
`ingestion.quality.limits` and the schemas, never restated here as numbers.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from ingestion.conform import ConformReport
from ingestion.errors import InputError
from ingestion.hub.quality import COUNTERS, validate_hub_snapshot
from ingestion.hub.recorded import read_snapshot_file
from ingestion.prices.parse import models_frame
from ingestion.prices.quality import validate_price_snapshot
from ingestion.prices.schema import PRICE_DTYPE
from ingestion.quality.expectations import shared_validator
from ingestion.quality.limits import (
    COUNTER_MAX,
    INT64_MAX,
    SNAPSHOT_NOT_IN_FUTURE,
    TOKENS_MAX,
    fits_decimal,
)
from ingestion.quality.results import READABLE, Verdict, unreadable_verdict
from ingestion.usage.parse import rankings_frame
from ingestion.usage.quality import validate_rankings_snapshot
from ingestion.usage.schema import TOKENS_MAX_DIGITS
from tests.plugins.demo import clean_demo_days

pytestmark = pytest.mark.reliability

TODAY = dt.date(2026, 11, 26)  # injected: the rules never read the clock in these tests
TOMORROW = TODAY + dt.timedelta(days=1)
YESTERDAY = TODAY - dt.timedelta(days=1)
PRICES_AT = "openrouter/daily/{day}.json"
RANKINGS_AT = "rankings/daily/{day}.json"


def failures(verdict: Verdict) -> dict[str, object]:
    return {r.rule: r for r in verdict.blocking_failures}


# --- the Hub -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hub_day() -> tuple[pl.DataFrame, str]:
    (path,) = clean_demo_days(1)
    snapshot = read_snapshot_file(path, dt.date.fromisoformat(path.stem))
    return snapshot.frame, snapshot.location


def validate_hub(frame: pl.DataFrame, location: str, day: dt.date) -> Verdict:
    return validate_hub_snapshot(
        day,
        frame,
        location=location,
        report=ConformReport(),
        previous=None,
        validator=shared_validator(),
        today=TODAY,
    )


def test_a_hub_snapshot_of_tomorrow_is_refused_naming_file_and_day(hub_day):
    frame, location = hub_day

    verdict = validate_hub(frame, location, TOMORROW)

    (failure,) = failures(verdict).values()
    assert failure.rule == SNAPSHOT_NOT_IN_FUTURE and failure.field == "snapshot_date"
    assert failure.sample_ids == (TOMORROW.isoformat(),)
    assert location in verdict.reason() and TOMORROW.isoformat() in verdict.reason()


def test_a_hub_snapshot_of_today_is_allowed(hub_day):
    frame, location = hub_day

    assert validate_hub(frame, location, TODAY).accepted


@pytest.mark.parametrize("counter", COUNTERS)
def test_a_counter_at_the_int64_maximum_is_refused_naming_field_and_model(hub_day, counter):
    frame, location = hub_day
    model = frame["id"][0]
    doctored = frame.with_columns(
        pl.when(pl.col("id") == model)
        .then(pl.lit(INT64_MAX, dtype=pl.Int64))
        .otherwise(pl.col(counter))
        .alias(counter)
    )

    verdict = validate_hub(doctored, location, YESTERDAY)

    failure = failures(verdict)[f"{counter}_within_warehouse_range"]
    assert failure.field == counter and failure.unexpected_count == 1
    assert failure.sample_ids == (f"{model}={INT64_MAX}",)
    assert location in verdict.reason()


def test_a_counter_at_the_bound_passes(hub_day):
    frame, location = hub_day
    doctored = frame.with_columns(pl.lit(COUNTER_MAX, dtype=pl.Int64).alias("likes"))

    assert "likes_within_warehouse_range" not in failures(
        validate_hub(doctored, location, YESTERDAY)
    )


def test_the_counter_bound_keeps_the_marts_sums_within_bigint():
    """`mart_adoption` sums counters per developer: the bound leaves room for millions."""
    assert COUNTER_MAX * 4_000_000 < INT64_MAX


# --- prices ------------------------------------------------------------------------------------


def price_answer(openrouter_models: list[dict], **prices: str) -> tuple[dict, str]:
    """The demo's answer with the first model's `pricing` fields replaced; and its id."""
    models = copy.deepcopy(openrouter_models)
    priced = next(m for m in models if Decimal(m["pricing"]["prompt"]) > 0)
    priced["pricing"].update(prices)
    return {"data": models}, priced["id"]


def validate_prices(payload: dict, day: dt.date = YESTERDAY) -> tuple[Verdict, pl.DataFrame]:
    location = PRICES_AT.format(day=day)
    frame = models_frame(payload, location=location)
    verdict = validate_price_snapshot(
        day, frame, location=location, previous=None, validator=shared_validator(), today=TODAY
    )
    return verdict, frame


def test_a_price_list_of_tomorrow_is_refused_and_of_today_allowed(openrouter_models):
    payload = {"data": openrouter_models}

    refused, _ = validate_prices(payload, TOMORROW)
    allowed, _ = validate_prices(payload, TODAY)

    assert list(failures(refused)) == [SNAPSHOT_NOT_IN_FUTURE]
    assert PRICES_AT.format(day=TOMORROW) in refused.reason()
    assert allowed.accepted


def test_a_30_digit_price_is_refused_naming_the_field_never_a_null_priced_price(
    openrouter_models,
):
    huge = "9" * 30  # USD per token; x 10^6 is 36 integer digits
    payload, model = price_answer(openrouter_models, prompt=huge)

    verdict, frame = validate_prices(payload)

    failure = failures(verdict)["prompt_price_fits_decimal"]
    assert failure.field == "prompt_price" and failure.sample_ids == (f"{model}={huge}",)
    row = frame.filter(pl.col("openrouter_id") == model)
    assert row["prompt_price"][0] == huge  # kept verbatim
    assert row["input_usd_per_mtok"][0] is None  # never a silently wrong number
    assert not verdict.accepted


def test_a_price_with_more_decimals_than_the_scale_is_refused_not_rounded(openrouter_models):
    # One significant digit past the scale once per million tokens.
    digits = PRICE_DTYPE.scale + 6 + 1
    long = f"0.{'0' * (digits - 1)}1"
    payload, model = price_answer(openrouter_models, completion=long)

    verdict, frame = validate_prices(payload)

    failure = failures(verdict)["completion_price_fits_decimal"]
    assert failure.field == "completion_price" and failure.sample_ids == (f"{model}={long}",)
    assert frame.filter(pl.col("openrouter_id") == model)["output_usd_per_mtok"][0] is None


def test_trailing_zeros_and_the_widest_exact_price_pass(openrouter_models):
    scale, integer = PRICE_DTYPE.scale, PRICE_DTYPE.precision - PRICE_DTYPE.scale
    widest = f"{'9' * (integer - 6)}.{'9' * (scale + 6)}"  # per token: exactly DECIMAL(38, 18)
    padded = "0.000001" + "0" * 30
    payload, model = price_answer(openrouter_models, prompt=widest, completion=padded)

    verdict, frame = validate_prices(payload)

    assert verdict.accepted, verdict.reason()
    row = frame.filter(pl.col("openrouter_id") == model)
    assert row["input_usd_per_mtok"][0] == Decimal(f"{'9' * integer}.{'9' * scale}")
    assert row["output_usd_per_mtok"][0] == Decimal(1)


@pytest.mark.parametrize(
    ("text", "fits"),
    [
        ("1" * 20, True),
        ("1" * 21, False),
        ("0." + "0" * 17 + "1", True),
        ("1e-19", False),
        ("9" * 20 + "." + "9" * 18, True),  # 38 digits: past the 28 of the decimal context
        ("1" + "0" * 20, False),
    ],
)
def test_fits_decimal_counts_integer_and_significant_fractional_digits(text, fits):
    assert fits_decimal(Decimal(text), PRICE_DTYPE.precision, PRICE_DTYPE.scale) is fits


# --- rankings ----------------------------------------------------------------------------------


def rankings_answer(day: dt.date, other_tokens: str = "4242") -> dict:
    rows = [
        {
            "date": day.isoformat(),
            "model_permaslug": f"lab/model-{i:02d}",
            "total_tokens": str(9_000_000 - i),
        }
        for i in range(3)
    ]
    rows.append({"date": day.isoformat(), "model_permaslug": "other", "total_tokens": other_tokens})
    meta = {
        "as_of": f"{day + dt.timedelta(days=1)}T06:00:00Z",
        "start_date": day.isoformat(),
        "end_date": day.isoformat(),
        "version": "v1",
    }
    return {"data": rows, "meta": meta}


def validate_rankings(payload: dict, day: dt.date) -> Verdict:
    location = RANKINGS_AT.format(day=day)
    frame = rankings_frame(payload, location=location)
    return validate_rankings_snapshot(
        day, frame, location=location, previous=None, validator=shared_validator(), today=TODAY
    )


def test_rankings_of_today_are_not_final_and_refused_yesterday_is_taken():
    refused = validate_rankings(rankings_answer(TODAY), TODAY)

    assert list(failures(refused)) == [SNAPSHOT_NOT_IN_FUTURE]
    assert validate_rankings(rankings_answer(YESTERDAY), YESTERDAY).accepted


def test_tokens_beyond_the_bound_are_refused_naming_field_and_permaslug():
    too_many = str(TOKENS_MAX + 1)

    verdict = validate_rankings(rankings_answer(YESTERDAY, too_many), YESTERDAY)

    failure = failures(verdict)["total_tokens_within_warehouse_range"]
    assert failure.field == "total_tokens" and failure.sample_ids == (f"other={too_many}",)
    assert RANKINGS_AT.format(day=YESTERDAY) in verdict.reason()


def test_tokens_beyond_decimal_38_0_are_unreadable_naming_file_and_field():
    location = RANKINGS_AT.format(day=YESTERDAY)
    with pytest.raises(InputError) as raised:
        rankings_frame(rankings_answer(YESTERDAY, "9" * (TOKENS_MAX_DIGITS + 1)), location=location)

    (failure,) = unreadable_verdict(YESTERDAY, raised.value).blocking_failures
    assert failure.rule == READABLE and failure.field == "data[3].total_tokens"
    assert location in raised.value.location
