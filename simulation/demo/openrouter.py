"""OpenRouter `/models` answers, one gzip file per day: `openrouter/daily/YYYY-MM-DD.json.gz`.

The history is thin before the Hub window (every two weeks, then every three days, then daily
for the last month) and daily inside it, as the real recordings are. A handful of price changes
(cuts and a few rises) fall on known days inside the window, on distinct models, so the price
history and change marts have content; nothing else changes a price. Bytes are reproducible:
fixed key order, compact separators and a gzip header with mtime 0.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import polars as pl

from simulation.demo.price_models import PriceModel, batch_variant, price_models
from simulation.demo.seeds import Seeds
from simulation.demo.spec import STREAM_PRICES, DemoSpec, PriceChange, rng

# Day (as a fraction of the Hub window) and factor of each price change: five cuts, three rises.
CHANGES = (
    (0.10, 0.5),
    (0.22, 1.25),
    (0.35, 0.75),
    (0.47, 0.8),
    (0.58, 1.5),
    (0.70, 0.6),
    (0.83, 1.2),
    (0.93, 0.9),
)
MILLION = Decimal(1_000_000)
# From this fraction of the Hub window on, one open model's price list carries time-of-day
# `overrides` (twice the list price at peak hours), as real answers do from 2026-07-13: the
# pipeline must flag them and keep the list price.
OVERRIDES_FROM = 0.40
PEAK_WINDOWS = ((1000, 100, 1), (100, 400, 2), (400, 600, 1), (600, 1000, 2))
TOKENIZERS = {
    "qwen": "Qwen",
    "deepseek": "DeepSeek",
    "openai": "GPT",
    "anthropic": "Claude",
    "google": "Gemini",
    "meta-llama": "Llama3",
    "mistralai": "Mistral",
}


@dataclass(frozen=True)
class OpenRouterResult:
    days: tuple[dt.date, ...]
    models: tuple[PriceModel, ...]  # every model ever listed, with its starting price
    changes: tuple[PriceChange, ...]
    factors: dict[str, tuple[tuple[dt.date, Decimal], ...]]
    batch: PriceModel

    def listed(self, day: dt.date) -> list[PriceModel]:
        return [m for m in self.models if m.listed(day)]


def price_days(spec: DemoSpec) -> list[dt.date]:
    first = spec.end - dt.timedelta(days=spec.price_days - 1)
    lead = (spec.start - first).days
    days = []
    for k in range(spec.price_days):
        before = lead - k  # days until the window starts
        step = 1 if before <= 30 else 3 if k >= lead // 2 else 14
        if k % step == 0 or k == 0:
            days.append(first + dt.timedelta(days=k))
    return days


def per_token(usd_per_million: Decimal) -> str:
    """USD per million tokens as OpenRouter's USD-per-token decimal string (`0.00000045`)."""
    text = format((usd_per_million / MILLION).normalize(), "f")
    return "0" if text in ("0", "-0") else text


def model_object(model: PriceModel, factor: Decimal, overrides: bool = False) -> dict:
    slug, author = model.id.split("/")[1], model.author
    if model.prompt < 0:
        pricing: dict = {"prompt": "-1", "completion": "-1"}
    else:
        pricing = {
            "prompt": per_token(model.prompt * factor),
            "completion": per_token(model.completion * factor),
        }
        if not model.is_open and model.prompt > 0:
            pricing["input_cache_read"] = per_token(model.prompt * factor / 10)
        if overrides:
            pricing["overrides"] = [
                {
                    "utc_start": start,
                    "utc_end": end,
                    "prompt": per_token(model.prompt * factor * times),
                    "completion": per_token(model.completion * factor * times),
                }
                for start, end, times in PEAK_WINDOWS
            ]
    image = author in ("openai", "anthropic", "google") and not model.is_open
    inputs = ["text", "image"] if image else ["text"]
    context = 1_000_000 if author == "google" else 262_144 if model.is_chinese else 131_072
    pretty = " ".join(w[:1].upper() + w[1:] for w in slug.split(":")[0].split("-"))
    return {
        "id": model.id,
        "canonical_slug": model.canonical_slug,
        "hugging_face_id": model.hugging_face_id,
        "name": f"{author.title()}: {pretty}"
        + (f" ({model.id.split(':')[1]})" if ":" in model.id else ""),
        "created": int(model.created.timestamp()),
        "description": "GENERATED demo model (not observed on OpenRouter).",
        "context_length": context,
        "architecture": {
            "modality": "+".join(inputs) + "->text",
            "input_modalities": inputs,
            "output_modalities": ["text"],
            "tokenizer": TOKENIZERS.get(author, "Other"),
            "instruct_type": None,
        },
        "pricing": pricing,
        "top_provider": {
            "context_length": context,
            "max_completion_tokens": 32_768,
            "is_moderated": not model.is_open,
        },
        "per_request_limits": None,
        "supported_parameters": ["max_tokens", "temperature", "tools", "top_p"],
        "default_parameters": {},
        "supported_voices": None,
        "knowledge_cutoff": None,
        "expiration_date": None,
        "links": {"details": f"/api/v1/models/{model.canonical_slug}/endpoints"},
    }


def generate_openrouter(
    spec: DemoSpec, seeds: Seeds, view: pl.DataFrame, on_hub: set[str], out_dir: Path
) -> OpenRouterResult:
    days = price_days(spec)
    models = price_models(spec, seeds, view, on_hub, days[0])
    batch = batch_variant(spec, seeds, models)
    models = sorted([*models, batch], key=lambda m: m.id)
    g = rng(spec, STREAM_PRICES, 1)
    changeable = [
        m
        for m in models
        if ":" not in m.id and m.prompt > 0 and m.id != batch.base_id and m.listed(days[0])
    ]
    event_days = sorted({spec.day(max(int(f * spec.days), 1)) for f, _ in CHANGES})[: spec.days - 1]
    chosen = g.choice(len(changeable), size=min(len(event_days), len(changeable)), replace=False)
    factors: dict[str, tuple[tuple[dt.date, Decimal], ...]] = {}
    changes = []
    for day, (_, factor), index in zip(event_days, CHANGES, chosen, strict=False):
        model = changeable[int(index)]
        factors[model.id] = ((day, Decimal(str(factor))),)
        changes.append(
            PriceChange(
                day,
                model.id,
                per_token(model.prompt),
                per_token(model.prompt * Decimal(str(factor))),
            )
        )
    peak = next(
        m.id
        for m in changeable
        if m.is_open and m.is_chinese and m.id not in factors and m.listed(spec.end)
    )
    peak_from = spec.day(int(OVERRIDES_FROM * spec.days))
    folder = out_dir / "openrouter" / "daily"
    folder.mkdir(parents=True, exist_ok=True)
    objects: dict[tuple, dict] = {}  # a model's object only changes with its price
    for day in days:
        listed = [m for m in models if m.listed(day)]
        listed.sort(key=lambda m: (-int(m.created.timestamp()), m.id))
        data = []
        for m in listed:
            key = (m.id, current_factor(factors, m.id, day), m.id == peak and day >= peak_from)
            if key not in objects:
                objects[key] = model_object(m, key[1], overrides=key[2])
            data.append(objects[key])
        body = json.dumps({"data": data}, ensure_ascii=False, separators=(",", ":"))
        path = folder / f"{day.isoformat()}.json.gz"
        path.write_bytes(gzip.compress(body.encode("utf-8"), compresslevel=9, mtime=0))
    return OpenRouterResult(tuple(days), tuple(models), tuple(changes), factors, batch)


def current_factor(factors: dict, model_id: str, day: dt.date) -> Decimal:
    factor = Decimal(1)
    for since, change in factors.get(model_id, ()):
        if day >= since:
            factor *= change
    return factor
