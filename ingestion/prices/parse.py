"""Parsing OpenRouter's model objects: exact prices, variants, free and unknown prices.

Prices are decimal strings in USD per token. They are parsed with `decimal.Decimal` (never a
float) and scaled to USD per million tokens. The cases, made explicit:

- `"0"` for both prompt and completion: `free` (not cheap: a price of zero is its own status).
- `"-1"` or any negative value: a sentinel (routers such as `openrouter/auto` whose price
  depends on the model picked): `unknown`, both prices null.
- an id suffix (`:free`, `:batch`, `:thinking`, ...): a separate price tier of the same model;
  no suffix is the `standard` tier.
- `overrides` (prices by prompt size or UTC time window): kept as JSON and flagged; the list
  price stays `pricing.prompt` / `pricing.completion`.
- anything else that is not a decimal number (`"abc"`) is an InputError naming the field.
- a price whose value per million tokens DECIMAL(38, 18) cannot hold exactly (more than 20
  integer digits, or more than 18 fractional digits that are not zeros) is parsed as null,
  never rounded, truncated or overflowed: its string is kept verbatim and the gate refuses the
  day naming the field (`ingestion.quality.limits`, rule `*_price_fits_decimal`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from ingestion.declared import validated
from ingestion.errors import InputError
from ingestion.prices.schema import (
    OPENROUTER_MODELS_SCHEMA,
    OPENROUTER_SOURCE,
    PRICE_DTYPE,
    Architecture,
    Links,
    Model,
    ModelsAnswer,
)
from ingestion.quality.limits import fits_decimal

MILLION_DIGITS = 6  # per token -> per million tokens
STANDARD_TIER = "standard"
_VARIANT = re.compile(r"^(?P<model>[^:]+):(?P<tier>[a-z0-9][a-z0-9_-]*)$")
# A decimal number, in scientific notation too: the real answer of 2026-05-08 priced a model at
# "5e-09" USD per token. `Decimal` reads it exactly, so it is a price like any other.
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


@dataclass(frozen=True)
class Prices:
    input_usd_per_mtok: Decimal | None
    output_usd_per_mtok: Decimal | None
    status: str  # priced, free or unknown


def parse_price(text: Any, *, location: str, field: str) -> Decimal:
    """A price string in USD per token, exactly. Refuses anything but a decimal number
    (`0.00000045`, `5e-09`): no float, no hex, no empty string."""
    if not isinstance(text, str) or not _DECIMAL.match(text.strip()):
        raise InputError(
            OPENROUTER_SOURCE, location, field, f"not a decimal price string: {text!r}"
        )
    try:
        return Decimal(text.strip())
    except decimal.InvalidOperation as exc:  # the regex should make this unreachable
        raise InputError(OPENROUTER_SOURCE, location, field, f"not a decimal: {text!r}") from exc


def list_prices(pricing: dict[str, Any], *, location: str, field: str) -> Prices:
    """The list price of a model: free, unknown (a sentinel) or priced, per million tokens."""
    prompt = parse_price(pricing.get("prompt"), location=location, field=f"{field}.prompt")
    completion = parse_price(
        pricing.get("completion"), location=location, field=f"{field}.completion"
    )
    if prompt < 0 or completion < 0:
        return Prices(None, None, "unknown")
    status = "free" if prompt == 0 and completion == 0 else "priced"
    return Prices(held_per_million(prompt), held_per_million(completion), status)


def per_million(per_token: Decimal) -> Decimal:
    """USD per token -> per million tokens, exactly: a shift of the exponent. (`* 10**6`
    would round to the decimal context's 28 digits.)"""
    sign, digits, exponent = per_token.as_tuple()
    assert isinstance(exponent, int)  # a parsed price is finite
    return Decimal((sign, digits, exponent + MILLION_DIGITS))


def held_per_million(per_token: Decimal) -> Decimal | None:
    """The price per million tokens if PRICE_DTYPE holds it exactly, else None (Polars would
    null an overflow and round extra decimals silently; the gate refuses the row instead)."""
    value = per_million(per_token)
    return value if price_fits(value) else None


def price_fits(per_million_value: Decimal) -> bool:
    return fits_decimal(per_million_value, PRICE_DTYPE.precision, PRICE_DTYPE.scale)


def price_text_fits(text: str) -> bool:
    """Whether a verbatim price string's value per million tokens fits PRICE_DTYPE. Strings
    that are no decimal, and negative sentinels (stored as null), are other rules' business."""
    if not _DECIMAL.match(text.strip()):
        return True
    value = Decimal(text.strip())
    return value < 0 or price_fits(per_million(value))


def split_variant(openrouter_id: str) -> tuple[str, str]:
    """`deepseek/deepseek-r1:free` -> (`deepseek/deepseek-r1`, `free`); no suffix: standard."""
    match = _VARIANT.match(openrouter_id)
    if match:
        return match["model"], match["tier"]
    return openrouter_id, STANDARD_TIER


def models_frame(payload: Any, *, location: str) -> pl.DataFrame:
    """The `data` of a `/models` answer as rows of OPENROUTER_MODELS_SCHEMA. Every field read
    is declared (`schema.ModelsAnswer`): anything else is an InputError naming the field."""
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise InputError(OPENROUTER_SOURCE, location, "data", "expected an object with a list")
    answer = validated(ModelsAnswer, payload, source=OPENROUTER_SOURCE, location=location)
    rows = [
        _row(model, raw, location, f"data[{i}]")
        for i, (model, raw) in enumerate(zip(answer.data, payload["data"], strict=True))
    ]
    return pl.DataFrame(rows, schema=OPENROUTER_MODELS_SCHEMA)


def next_link(payload: dict[str, Any], *, location: str) -> str | None:
    """The relative URL of the next page, or None (validated with the answer's `links`)."""
    links = validated(
        Links | None, payload.get("links"), source=OPENROUTER_SOURCE, location=location, at="links"
    )
    return links.next if links is not None and links.next else None


def _row(model: Model, raw: dict[str, Any], location: str, field: str) -> dict[str, Any]:
    pricing = model.pricing
    prices = list_prices(
        {"prompt": pricing.prompt, "completion": pricing.completion},
        location=location,
        field=f"{field}.pricing",
    )
    overrides = pricing.overrides or []
    for i, override in enumerate(overrides):
        for key in ("prompt", "completion"):
            text = getattr(override, key)
            if text is not None:
                parse_price(text, location=location, field=f"{field}.overrides[{i}].{key}")
    architecture = model.architecture or Architecture()
    model_id, tier = split_variant(model.id)
    raw_pricing = raw["pricing"]
    return {
        "openrouter_id": model.id,
        "model_id": model_id,
        "price_tier": tier,
        "canonical_slug": model.canonical_slug,
        "hugging_face_id": model.hugging_face_id or None,
        "name": model.name,
        "created_at": None
        if model.created is None
        else dt.datetime.fromtimestamp(model.created, dt.UTC),
        "context_length": model.context_length,
        "input_modalities": architecture.input_modalities,
        "output_modalities": architecture.output_modalities,
        "prompt_price": pricing.prompt,
        "completion_price": pricing.completion,
        "input_usd_per_mtok": prices.input_usd_per_mtok,
        "output_usd_per_mtok": prices.output_usd_per_mtok,
        "price_status": prices.status,
        "has_overrides": bool(overrides),
        "overrides": json.dumps(raw_pricing["overrides"]) if overrides else None,
        "pricing": json.dumps(raw_pricing, sort_keys=True),
    }
