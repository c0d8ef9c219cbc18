"""The genai-prices loader, on the installed package's real data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl

from ingestion.price_timelines.recorded import load_prices, package_version
from ingestion.price_timelines.schema import GENAI_PRICES_SCHEMA


def test_loads_dated_prices_with_the_package_version():
    frame = load_prices()

    assert frame.schema == GENAI_PRICES_SCHEMA
    assert set(frame["package_version"]) == {package_version()}
    assert frame.height > 1000
    # Price history: prices with the date they started.
    assert frame.filter(pl.col("start_date").is_not_null()).height > 100
    opus = frame.filter(
        (pl.col("provider_id") == "anthropic")
        & (pl.col("model_ref") == "claude-opus-4-6")
        & (pl.col("price_tier") == "standard")
    )
    assert opus.filter(pl.col("start_date") == dt.date(2026, 3, 13))[
        "input_usd_per_mtok"
    ].to_list() == [Decimal(5)]
    # Before that date the price rose above 200k-token prompts: the base price is kept, flagged.
    assert opus.filter(pl.col("start_date").is_null())["has_size_tiers"].to_list() == [True]


def test_time_of_day_prices_are_overrides_and_batch_is_its_own_tier():
    frame = load_prices()

    off_peak = frame.filter(pl.col("is_override"))
    assert off_peak.height > 0
    assert off_peak["start_date"].null_count() == off_peak.height
    assert frame.filter(pl.col("price_tier") == "batch").height > 50


def test_the_price_of_most_hours_of_the_day_is_the_list_price():
    frame = load_prices().filter(pl.col("provider_id") == "deepseek")

    def list_price(model_ref: str) -> list[tuple[Decimal, Decimal]]:
        rows = frame.filter(
            (pl.col("model_ref") == model_ref)
            & ~pl.col("is_override")
            & pl.col("start_date").is_null()
        )
        return list(zip(rows["input_usd_per_mtok"], rows["output_usd_per_mtok"], strict=True))

    # deepseek-chat: 0.27/1.10 from 00:30 to 16:30 UTC (16 h); the unconstrained 0.135/0.55 is
    # the off-peak discount. deepseek-v4-pro: the 1.32/3.96 windows last 7 h: not the list price.
    assert list_price("deepseek-chat") == [(Decimal("0.27"), Decimal("1.1"))]
    assert list_price("deepseek-v4-pro") == [(Decimal("0.435"), Decimal("0.87"))]
