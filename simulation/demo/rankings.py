"""OpenRouter's daily usage rankings for the window's last days:
`openrouter/rankings_daily/YYYY-MM-DD.json`, in the documented `rankings-daily` shape.

Each day: the top 50 models of that day's `/models` list by tokens (sorted by tokens, ties by
permaslug), then one `other` row summing the rest; tokens are decimal strings. A permaslug is
the model's `canonical_slug`, plus the variant suffix (`...:free`), as OpenRouter writes it.
Volumes are calibrated so Chinese open models carry about 45% of open-model tokens (open:
listed with a `hugging_face_id`), as in recent observations of the market.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np

from simulation.demo.openrouter import OpenRouterResult
from simulation.demo.price_models import CHINESE_OPEN, PriceModel
from simulation.demo.spec import STREAM_RANKINGS, DemoSpec, rng

TOP = 50
CHINESE_OPEN_SHARE = 0.45
FAMOUS = ("openai", "anthropic", "google")
WEEKLY = np.array([1.04, 1.06, 1.05, 1.03, 0.99, 0.92, 0.91])


def permaslug(model: PriceModel) -> str:
    suffix = model.id.split(":")[1] if ":" in model.id else None
    return f"{model.canonical_slug}:{suffix}" if suffix else model.canonical_slug


def base_volumes(spec: DemoSpec, models: list[PriceModel], paired: set[str]) -> dict[str, float]:
    """Daily tokens per model before noise: the big US labs and the compared models lead."""
    g = rng(spec, STREAM_RANKINGS, 0)
    volume = 10 ** g.normal(10.0, 0.5, len(models))
    famous = np.array([m.author in FAMOUS or m.id.split(":")[0] in paired for m in models])
    volume = np.where(famous, volume * 4, volume)
    is_open = np.array([bool(m.hugging_face_id) for m in models])
    chinese = is_open & np.array([m.author in CHINESE_OPEN for m in models])
    others = volume[is_open & ~chinese].sum()
    if chinese.any() and others > 0:
        target = CHINESE_OPEN_SHARE / (1 - CHINESE_OPEN_SHARE) * others
        volume = np.where(chinese, volume * target / volume[chinese].sum(), volume)
    return {m.id: float(v) for m, v in zip(models, volume, strict=True)}


def generate_rankings(
    spec: DemoSpec, prices: OpenRouterResult, paired: set[str], out_dir: Path
) -> list[dt.date]:
    """`paired`: the OpenRouter ids of `reference_model_pairs`, both columns."""
    ranked = [m for m in prices.models if m.prompt >= 0]  # the router is not a model
    volumes = base_volumes(spec, ranked, paired)
    folder = out_dir / "openrouter" / "rankings_daily"
    folder.mkdir(parents=True, exist_ok=True)
    days = [spec.day(i) for i in range(max(spec.days - spec.rankings_days, 0), spec.days)]
    for day in days:
        g = rng(spec, STREAM_RANKINGS, 1, (day - spec.start).days)
        listed = [m for m in ranked if m.listed(day)]
        noise = g.lognormal(0.0, 0.15, len(listed)) * WEEKLY[day.weekday()]
        tokens = sorted(
            ((int(volumes[m.id] * n), permaslug(m)) for m, n in zip(listed, noise, strict=True)),
            key=lambda row: (-row[0], row[1]),
        )
        rows = [row(day, slug, count) for count, slug in tokens[:TOP]]
        rows.append(row(day, "other", sum(count for count, _ in tokens[TOP:])))
        meta = {
            "as_of": f"{day + dt.timedelta(days=1)}T02:00:00Z",
            "start_date": day.isoformat(),
            "end_date": day.isoformat(),
            "version": "v1",
        }
        text = json.dumps({"data": rows, "meta": meta}, indent=1, ensure_ascii=False)
        (folder / f"{day.isoformat()}.json").write_text(text + "\n", encoding="utf-8")
    return days


def row(day: dt.date, slug: str, tokens: int) -> dict[str, str]:
    return {"date": day.isoformat(), "model_permaslug": slug, "total_tokens": str(tokens)}
