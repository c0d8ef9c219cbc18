"""OpenRouter's model list as we store it: one row per OpenRouter id (variants included).

The price strings are kept verbatim (`prompt_price`, `completion_price`, the whole `pricing`
object as JSON) next to their exact decimal parse in USD per million tokens, so a row read back
can always be checked against what the API said.
"""

from __future__ import annotations

import polars as pl

from ingestion.declared import Declared, Int64, NonEmpty, UnixSeconds

OPENROUTER_SOURCE = "openrouter"

# USD per million tokens, exact: 18 decimals hold any per-token string OpenRouter sends x 1e6.
PRICE_DTYPE = pl.Decimal(38, 18)

OPENROUTER_MODELS_SCHEMA = pl.Schema(
    {
        "openrouter_id": pl.String,
        "model_id": pl.String,
        "price_tier": pl.String,
        "canonical_slug": pl.String,
        "hugging_face_id": pl.String,
        "name": pl.String,
        "created_at": pl.Datetime("us", "UTC"),
        "context_length": pl.Int64,
        "input_modalities": pl.List(pl.String),
        "output_modalities": pl.List(pl.String),
        "prompt_price": pl.String,
        "completion_price": pl.String,
        "input_usd_per_mtok": PRICE_DTYPE,
        "output_usd_per_mtok": PRICE_DTYPE,
        "price_status": pl.String,
        "has_overrides": pl.Boolean,
        "overrides": pl.String,
        "pricing": pl.String,
    }
)


# --- the answer, as declared (ingestion.declared): every field the parse reads --------------
PriceText = str | None  # decimal strings; `pricing.parse_price` reads the ones it needs


class Architecture(Declared):
    input_modalities: list[str] | None = None
    output_modalities: list[str] | None = None


class Override(Declared):
    prompt: PriceText = None
    completion: PriceText = None


class Pricing(Declared):
    prompt: PriceText = None
    completion: PriceText = None
    request: PriceText = None
    image: PriceText = None
    audio: PriceText = None
    input_cache_read: PriceText = None
    input_cache_write: PriceText = None
    internal_reasoning: PriceText = None
    web_search: PriceText = None
    discount: PriceText = None
    overrides: list[Override] | None = None


class Model(Declared):
    id: NonEmpty
    canonical_slug: str | None = None
    hugging_face_id: str | None = None
    name: str | None = None
    created: UnixSeconds | None = None
    context_length: Int64 | None = None
    architecture: Architecture | None = None
    pricing: Pricing


class Links(Declared):
    next: str | None = None


class ModelsAnswer(Declared):
    data: list[Model]
    links: Links | None = None
