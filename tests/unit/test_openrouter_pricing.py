"""Parsing OpenRouter prices, on real rows of the bundled 2026-08-19 snapshot."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

import polars as pl
import pytest

from ingestion.errors import InputError
from ingestion.openrouter.pricing import models_frame, parse_price, split_variant
from ingestion.openrouter.recorded import RecordedOpenRouterSource
from tests.conftest import OPENROUTER_FILE, RECORDED

LOCATION = "recorded/openrouter/2026-08-19.json"


@pytest.fixture(scope="module")
def frame(openrouter_models) -> pl.DataFrame:
    return models_frame({"data": openrouter_models}, location=LOCATION)


def row(frame: pl.DataFrame, openrouter_id: str) -> dict:
    return frame.filter(pl.col("openrouter_id") == openrouter_id).row(0, named=True)


def test_free_variant_is_free_with_zero_prices_not_null(frame):
    free = row(frame, "z-ai/glm-5.2:free")

    assert (free["model_id"], free["price_tier"]) == ("z-ai/glm-5.2", "free")
    assert free["price_status"] == "free"
    assert free["input_usd_per_mtok"] == Decimal(0)
    assert free["output_usd_per_mtok"] == Decimal(0)
    # The paid model of the same id is a separate tier with its own price.
    assert row(frame, "z-ai/glm-5.2")["price_status"] == "priced"


def test_batch_variant_is_a_separate_tier_of_the_same_model(frame):
    batch = row(frame, "openai/gpt-5.5:batch")
    standard = row(frame, "openai/gpt-5.5")

    assert (batch["model_id"], batch["price_tier"]) == ("openai/gpt-5.5", "batch")
    assert standard["price_tier"] == "standard"
    assert batch["input_usd_per_mtok"] == Decimal(batch["prompt_price"]) * 1_000_000
    assert batch["input_usd_per_mtok"] < standard["input_usd_per_mtok"]


def test_a_minus_one_sentinel_is_unknown_not_negative(frame):
    router = row(frame, "openrouter/auto")

    assert (router["prompt_price"], router["completion_price"]) == ("-1", "-1")
    assert router["price_status"] == "unknown"
    assert router["input_usd_per_mtok"] is None
    assert router["output_usd_per_mtok"] is None


def test_overrides_are_flagged_and_kept_without_replacing_the_list_price(frame):
    deepseek = row(frame, "deepseek/deepseek-v4-pro-0813")
    overrides = json.loads(deepseek["overrides"])

    assert deepseek["has_overrides"] is True
    # Time-of-day windows that double the price: the list price stays the undoubled one.
    assert {o["prompt"] for o in overrides} == {"0.00000066", "0.00000132"}
    assert deepseek["input_usd_per_mtok"] == Decimal("0.66")
    assert deepseek["output_usd_per_mtok"] == Decimal("1.98")
    assert row(frame, "qwen/qwen3.8-27b")["has_overrides"] is False


def test_prices_are_exact_decimals_per_million_tokens(frame):
    # 0.0000166667 USD per token has no exact float; the decimal is exact.
    voxtral = row(frame, "mistralai/voxtral-mini-3b-2507")

    assert voxtral["input_usd_per_mtok"] == Decimal("16.6667")
    assert frame.schema["input_usd_per_mtok"] == pl.Decimal(38, 18)


def test_a_price_that_is_not_a_decimal_names_source_file_and_field(openrouter_models):
    broken = copy.deepcopy(openrouter_models[:3])
    broken[2]["pricing"]["prompt"] = "abc"

    with pytest.raises(InputError) as error:
        models_frame({"data": broken}, location=LOCATION)

    assert error.value.source == "openrouter"
    assert error.value.location == LOCATION
    assert error.value.field == "data[2].pricing.prompt"
    assert "'abc'" in str(error.value)


@pytest.mark.parametrize("text", ["1e-6", "", "0x10", " ", "1,5", None, 0.5])
def test_only_plain_decimal_strings_are_prices(text):
    with pytest.raises(InputError, match="not a decimal price string"):
        parse_price(text, location=LOCATION, field="pricing.prompt")


def test_split_variant():
    assert split_variant("qwen/qwen-plus-2025-07-28:thinking") == (
        "qwen/qwen-plus-2025-07-28",
        "thinking",
    )
    assert split_variant("~openai/gpt-latest") == ("~openai/gpt-latest", "standard")


def test_recorded_folder_reads_the_day_of_a_file_and_gaps_otherwise(tmp_path):
    source = RecordedOpenRouterSource(RECORDED / "openrouter")

    assert source.available_days() == [dt.date(2026, 8, 19)]
    assert source.fetch(dt.date(2026, 8, 19)).frame.height == 549
    assert source.fetch(dt.date(2026, 8, 18)) is None

    (tmp_path / "2026-08-20.json").write_text(OPENROUTER_FILE.read_text()[:5000])
    with pytest.raises(InputError, match="not readable JSON"):
        RecordedOpenRouterSource(tmp_path).fetch(dt.date(2026, 8, 20))
