"""OpenRouter's daily usage rankings as stored: one row per ranked permaslug (and one `other`
row) per day, tokens as exact decimals next to their text (`ingestion.usage.parse`)."""

from __future__ import annotations

import polars as pl

RANKINGS_SOURCE = "openrouter_rankings"
OTHER = "other"
TOKENS_DTYPE = pl.Decimal(38, 0)
TOKENS_MAX_DIGITS = 38  # what Decimal(38, 0) holds
RANKINGS_SCHEMA = pl.Schema(
    {
        "usage_date": pl.Date,
        "rank": pl.Int32,
        "model_permaslug": pl.String,
        "is_other": pl.Boolean,
        "total_tokens_text": pl.String,
        "total_tokens": TOKENS_DTYPE,
        "as_of": pl.Datetime("us", "UTC"),
        "meta_start_date": pl.Date,
        "meta_end_date": pl.Date,
        "meta_version": pl.String,
    }
)
# ASCII digits only: `\d` would also take other scripts' digits, which `Decimal` reads too.
