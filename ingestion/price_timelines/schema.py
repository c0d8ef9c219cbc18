"""The price timelines' rows: one per provider x model x price tier x dated price, from the
`genai-prices` package (MIT), USD per million tokens as exact decimals."""

from __future__ import annotations

import polars as pl

GENAI_PRICES_SOURCE = "genai_prices"
GENAI_PRICES_PACKAGE = "genai-prices"

GENAI_PRICES_SCHEMA = pl.Schema(
    {
        "provider_id": pl.String,
        "model_ref": pl.String,
        "model_name": pl.String,
        "price_tier": pl.String,
        "price_index": pl.Int64,
        "start_date": pl.Date,
        "is_override": pl.Boolean,
        "has_size_tiers": pl.Boolean,
        "input_usd_per_mtok": pl.Decimal(38, 18),
        "output_usd_per_mtok": pl.Decimal(38, 18),
        "package_version": pl.String,
    }
)
