"""One model's list prices with the dates they changed, from the `genai-prices` package's
objects (prices already USD per million tokens, as `Decimal`). What is taken, and what is not:

- `prices` as one price, or as conditional prices: a `StartDateConstraint` gives the date a
  price started (`start_date`); an unconstrained price has no known start (null).
- time-of-day prices (DeepSeek's peak and off-peak hours): the price in force for most of the
  UTC day is the list price; the other is kept and flagged `is_override`. The package writes
  them both ways (for `deepseek-chat` the unconstrained price is the 8-hour off-peak one, for
  `deepseek-v4-pro` it is the 17-hour normal one), so the hours decide, not the position.
- prompt-size tiers (`TieredPrices`): the base price is the list price; `has_size_tiers` says
  larger prompts cost more.
- `price_variants` with `processing: batch` become the `batch` tier when they give both an
  input and an output price; other variants (priority, flex service tiers) are not taken.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def price_rows(model: Any) -> list[dict[str, Any]]:
    conditional = model.prices if isinstance(model.prices, list) else None
    entries = (
        [(c.constraint, c.prices) for c in conditional] if conditional else [(None, model.prices)]
    )
    rows = [_row("standard", constraint, prices) for constraint, prices in entries]
    _promote_majority_time_of_day_price(rows, [constraint for constraint, _ in entries])
    for variant in model.price_variants or []:
        if variant.when.get("processing") != "batch":
            continue
        row = _row("batch", variant.constraint, variant.prices)
        if row["input_usd_per_mtok"] is not None and row["output_usd_per_mtok"] is not None:
            rows.append(row)
    # The package tries conditional prices last to first: the position breaks ties downstream.
    return [
        row | {"price_index": index}
        for index, row in enumerate(rows)
        if row["input_usd_per_mtok"] is not None
    ]


def _row(tier: str, constraint: Any, prices: Any) -> dict[str, Any]:
    start = getattr(constraint, "start_date", None)
    is_override = constraint is not None and start is None  # a time-of-day window
    input_price, input_tiered = _base(getattr(prices, "input_mtok", None))
    output_price, output_tiered = _base(getattr(prices, "output_mtok", None))
    return {
        "price_tier": tier,
        "start_date": start,
        "is_override": is_override,
        "has_size_tiers": input_tiered or output_tiered,
        "input_usd_per_mtok": input_price,
        "output_usd_per_mtok": output_price,
    }


def _promote_majority_time_of_day_price(rows: list[dict[str, Any]], constraints: list[Any]) -> None:
    """When windows with one price cover more than half the UTC day, that price is the list
    price and the unconstrained one becomes the override (in place)."""
    hours: dict[tuple[Any, Any], float] = {}
    for row, constraint in zip(rows, constraints, strict=True):
        if row["is_override"]:
            key = (row["input_usd_per_mtok"], row["output_usd_per_mtok"])
            hours[key] = hours.get(key, 0.0) + _window_hours(constraint)
    majority = [key for key, total in hours.items() if total > 12]
    if not majority:
        return
    promoted = False
    for row in rows:
        key = (row["input_usd_per_mtok"], row["output_usd_per_mtok"])
        if row["is_override"] and key == majority[0] and not promoted:
            row["is_override"], promoted = False, True
        elif row["start_date"] is None and not row["is_override"]:
            row["is_override"] = True


def _window_hours(constraint: Any) -> float:
    start = constraint.start_time.hour * 60 + constraint.start_time.minute
    end = constraint.end_time.hour * 60 + constraint.end_time.minute
    return ((end - start) % (24 * 60)) / 60


def _base(value: Any) -> tuple[Decimal | None, bool]:
    if value is None or isinstance(value, Decimal):
        return value, False
    return value.base, True  # TieredPrices: the price below the first prompt-size tier
