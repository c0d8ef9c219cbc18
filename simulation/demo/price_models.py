"""The models the demo's OpenRouter lists: who they are, when they appear, what they cost.

Every model of `reference_model_pairs` is listed from the first price day (the cost-ratio marts
compare each pair on every day). Around forty more: open-weight models named after the most
downloaded tracked Hub models of the big developers (their `hugging_face_id` is that Hub id,
the join key to the Hub), closed models of the US labs and others, three `:free` variants, the
`openrouter/auto` router (price `-1`) and one `:batch` variant listed for a while. Prices are
drawn per class, with Chinese open models cheaper than the US closed models they face.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import polars as pl

from simulation.demo.kits import kit_for
from simulation.demo.names import anchor_name
from simulation.demo.seeds import Seeds
from simulation.demo.spec import STREAM_PRICES, DemoSpec, rng

CHINESE_OPEN = ("qwen", "deepseek", "z-ai", "moonshotai", "minimax")
# Open-weight extras per OpenRouter author: how many of its top Hub models are listed.
OPEN_EXTRAS = {
    "qwen": 4,
    "deepseek": 3,
    "z-ai": 2,
    "moonshotai": 2,
    "minimax": 1,
    "meta-llama": 3,
    "mistralai": 3,
    "google": 3,
    "microsoft": 1,
    "nvidia": 2,
    "openai": 1,
    "allenai": 1,
    "ibm-granite": 1,
    "stepfun": 1,
    "tencent": 1,
    "xiaomi": 1,
}
CLOSED_EXTRAS = [
    "openai/gpt-4.1",
    "openai/gpt-4.1-mini",
    "openai/gpt-5-mini",
    "anthropic/claude-haiku-4.5",
    "anthropic/claude-opus-4.1",
    "google/gemini-2.5-flash",
    "google/gemini-2.5-pro",
    "x-ai/grok-4",
    "cohere/command-a",
    "amazon/nova-pro-v1",
    "perplexity/sonar",
    "mistralai/mistral-medium-3.1",
    "writer/palmyra-x5",
]
# USD per million prompt tokens, log-uniform between the bounds, by (side, class).
PRICE_RANGES = {
    ("open", "flagship"): (0.3, 1.2),
    ("open", "mid"): (0.08, 0.4),
    ("open", "small"): (0.02, 0.1),
    ("closed", "flagship"): (2.0, 15.0),
    ("closed", "mid"): (0.3, 2.5),
    ("closed", "small"): (0.05, 0.3),
}
REPACKAGED = r"(?i)gguf|awq|gptq|fp8|bnb|4bit|8bit|onnx|-base|-pt$|guard"


@dataclass
class PriceModel:
    id: str  # the OpenRouter id, variant suffix included
    hugging_face_id: str | None
    created: dt.datetime
    prompt: Decimal  # USD per million tokens at the start; "0" free, "-1" the router sentinel
    completion: Decimal
    is_open: bool
    is_chinese: bool
    base_id: str | None = None  # the standard model of a variant
    listed_until: dt.date | None = None
    listed_from: dt.date | None = None

    @property
    def author(self) -> str:
        return self.id.split("/")[0]

    @property
    def canonical_slug(self) -> str:
        base = (self.base_id or self.id).split(":")[0]
        return f"{base}-{self.created:%Y%m%d}" if self.created.year >= 2025 else base

    def listed(self, day: dt.date) -> bool:
        start = self.listed_from or self.created.date()
        return start <= day and (self.listed_until is None or day <= self.listed_until)


def round_price(value: float) -> Decimal:
    """Two significant digits, as exact decimals: 0.4371 -> 0.44."""
    exponent = math.floor(math.log10(value)) - 1
    return Decimal(round(value / 10**exponent)).scaleb(exponent)


def price_model(
    g: np.random.Generator,
    model_id: str,
    hf_id: str,
    created: dt.datetime,
    side: str,
    klass: str,
    is_chinese: bool,
) -> PriceModel:
    low, high = PRICE_RANGES[(side, klass)]
    prompt = round_price(math.exp(g.uniform(math.log(low), math.log(high))))
    completion = prompt * int(g.choice([2, 3, 4, 5, 8]))
    return PriceModel(model_id, hf_id, created, prompt, completion, side == "open", is_chinese)


def closed_class(model_id: str) -> str:
    """The price class a closed model's name suggests (`nano`, `lite`: small; `mini`: mid)."""
    if any(word in model_id for word in ("nano", "lite")):
        return "small"
    if any(word in model_id for word in ("mini", "haiku", "flash", "sonar", "nova")):
        return "mid"
    return "flagship"


def hub_org_for(seeds: Seeds, author: str) -> str | None:
    """The registry org an OpenRouter author publishes under: its biggest kit."""
    orgs = seeds.developer_orgs(seeds.author_developer.get(author, ""))
    return max(orgs, key=lambda o: (kit_for(o).weight, o)) if orgs else None


def hub_anchors(seeds: Seeds) -> dict[str, list[str]]:
    """Hub names the tracked models must include: the Chinese open models of the pairs."""
    anchors: dict[str, list[str]] = {}
    for model_id in seeds.pairs["model_id"].to_list():
        author, slug = model_id.split("/")
        org = hub_org_for(seeds, author)
        if org:
            anchors.setdefault(org, []).append(anchor_name(slug))
    return anchors


def price_models(
    spec: DemoSpec, seeds: Seeds, hub: pl.DataFrame, on_hub: set[str], first_day: dt.date
) -> list[PriceModel]:
    """All models ever listed. `hub` holds tracked models with their counters (the catalog
    view); `on_hub` the anchors that are tracked models (the pairs' `hugging_face_id`)."""
    g = rng(spec, STREAM_PRICES, 0)
    early = dt.datetime.combine(first_day, dt.time(12), dt.UTC)

    def created_before(days: int = 400) -> dt.datetime:
        return early - dt.timedelta(days=int(g.integers(10, days)), seconds=int(g.integers(86_400)))

    models: dict[str, PriceModel] = {}
    for row in seeds.pairs.iter_rows(named=True):
        author, slug = row["model_id"].split("/")
        org = hub_org_for(seeds, author)
        hf_id = f"{org}/{anchor_name(slug)}" if org else ""
        klass = row["comparison_class"]
        models[row["model_id"]] = price_model(
            g,
            row["model_id"],
            hf_id if hf_id in on_hub else "",
            created_before(),
            "open",
            klass,
            author in CHINESE_OPEN,
        )
        ref = row["reference_model_id"]
        if ref not in models:
            models[ref] = price_model(g, ref, "", created_before(), "closed", klass, False)
    for author, count in OPEN_EXTRAS.items():
        org = hub_org_for(seeds, author)
        if org is None:  # a registry without this developer
            continue
        top = (
            hub.filter((pl.col("author") == org) & (pl.col("pipeline_tag") == "text-generation"))
            .filter(
                ~pl.col("name").str.contains(REPACKAGED)
                & ~pl.col("id").is_in([m.hugging_face_id for m in models.values()])
            )
            .sort("downloadsAllTime", "id", descending=[True, False])
            .head(count)
        )
        for row in top.iter_rows(named=True):
            model_id = f"{author}/{row['name'].lower()}"
            created = max(row["createdAt"] + dt.timedelta(days=3), created_before(300))
            klass = str(g.choice(["mid", "small"]))
            models.setdefault(
                model_id,
                price_model(g, model_id, row["id"], created, "open", klass, author in CHINESE_OPEN),
            )
    for model_id in CLOSED_EXTRAS:
        late = g.random() < 0.25  # a quarter are launched during the price history
        created = early + dt.timedelta(days=int(g.integers(20, 200))) if late else created_before()
        models.setdefault(
            model_id, price_model(g, model_id, "", created, "closed", closed_class(model_id), False)
        )
    standard = list(models.values())
    for base in [m for m in standard if m.is_open and m.hugging_face_id][:3]:
        free = PriceModel(
            f"{base.id}:free",
            base.hugging_face_id,
            base.created,
            Decimal(0),
            Decimal(0),
            True,
            base.is_chinese,
            base_id=base.id,
        )
        models[free.id] = free
    router = PriceModel(
        "openrouter/auto", None, created_before(), Decimal(-1), Decimal(-1), False, False
    )
    models[router.id] = router
    return sorted(models.values(), key=lambda m: m.id)


def batch_variant(spec: DemoSpec, seeds: Seeds, models: list[PriceModel]) -> PriceModel:
    """The `:batch` tier of the first pair's reference, listed in the middle of the window."""
    base = next(m for m in models if m.id == seeds.pairs["reference_model_id"][0])
    first, last = spec.day(int(0.3 * spec.days)), spec.day(int(0.6 * spec.days))
    half = Decimal("0.5")
    return PriceModel(
        f"{base.id}:batch",
        "",
        base.created,
        base.prompt * half,
        base.completion * half,
        False,
        False,
        base_id=base.id,
        listed_from=first,
        listed_until=last,
    )
