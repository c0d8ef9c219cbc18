"""The Hub daily snapshots: one Parquet file per UTC day, with the faults real data has.

Downloads are heavy-tailed (lognormal daily rates from about 10 to 1e6 a day), with weekly
seasonality and noise, and lifetime counters only grow. A tenth of the models appear during
the window. This is a demo of the observatory's mission, so the trend is staged: Chinese orgs'
daily downloads grow over the window and US orgs' shrink, calibrated to be equal in the middle,
so the marts show a US/China crossover in roughly the middle of the window.

The faults (`spec.Faults`) are planted on the published counters only; the true counters keep
running underneath, so the day after a fault carries the truth again. Memory is bounded: one
array per counter, one frame per day, written and dropped.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from simulation.demo import spec as s
from simulation.demo.kits import kit_for
from simulation.demo.releases import release_dates
from simulation.demo.spec import DemoSpec, Faults, rng

# Weekday factors, Monday first: the Hub is quieter at weekends.
WEEKLY = np.array([1.06, 1.08, 1.07, 1.04, 0.98, 0.88, 0.86])
CN_GROWTH, US_DECLINE = 1.6, 0.8  # log-rate change over the whole window
NEW_MODEL_SHARE = 0.10
RELEASE_SPREAD_DAYS = 42  # a generation's sizes and repackagings follow within six weeks
OLDEST_CREATED = dt.date(2023, 1, 15)
EPOCH = dt.date(1970, 1, 1)
PARQUET = {"compression": "zstd", "statistics": True}


@dataclass(frozen=True)
class HubResult:
    days: tuple[dt.date, ...]  # days with a file
    gap_days: tuple[dt.date, ...]
    corrected_ids: tuple[str, ...]
    crossover_day: dt.date | None
    tracked_models: int
    catalog_day: dt.date
    catalog_view: pl.DataFrame  # tracked models present on catalog_day, true counters then


def catalog_index(spec: DemoSpec) -> int:
    return int(2 * (spec.days - 1) / 3)


def model_attributes(spec: DemoSpec, models: pl.DataFrame) -> dict[str, np.ndarray]:
    """Per model: base daily rate, trend sign, creation day (index, negative before the window),
    creation time in microseconds, like ratio and the lifetime counters on the window's eve."""
    g = rng(spec, s.STREAM_MODELS, 2)
    n = models.height
    per_org = {o: float(kit_for(o).weight) for o in models["author"].unique().to_list()}
    weight = models["author"].replace_strict(per_org, return_dtype=pl.Float64).to_numpy()
    base = np.clip(10 ** g.normal(2.0, 0.9, n) * np.sqrt(weight), 10.0, 1e6)
    country = models["country"].to_numpy()
    sign = np.where(country == "CN", 1.0, np.where(country == "US", -1.0, 0.0))
    window_start = (spec.start - OLDEST_CREATED).days
    created_day = -g.integers(1, max(window_start, 2), n)
    is_new = (g.random(n) < NEW_MODEL_SHARE) & (spec.days > 1)
    created_day = np.where(is_new, g.integers(1, max(spec.days, 2), n), created_day)
    # A model of a known generation comes out within weeks of its release (releases.py), so
    # each family is created in its real order; one that would come after the window's end
    # comes on its last day.
    released = (release_dates(models["name"]) - spec.start).dt.total_days()
    known = released.is_not_null().to_numpy()
    after_release = released.fill_null(0).to_numpy() + g.integers(0, RELEASE_SPREAD_DAYS, n)
    created_day = np.where(known, np.minimum(after_release, spec.days - 1), created_day)
    created_day = np.where(created_day == 0, -1, created_day)  # day 0 is the eve's counter
    is_new = created_day > 0
    seconds = g.integers(0, 86_400, n)
    start_days = (spec.start - EPOCH).days
    created_us = ((start_days + created_day) * 86_400 + seconds) * 1_000_000
    initial = np.where(is_new, 0, base * -created_day * g.uniform(0.3, 1.0, n)).astype(np.int64)
    # Calibrate: China's and the US's expected daily totals meet in the middle of the window.
    alive_mid = created_day <= spec.days // 2
    cn = base[(sign > 0) & alive_mid].sum()
    us = base[(sign < 0) & alive_mid].sum()
    if cn > 0 and us > 0:
        ratio = np.sqrt(us / cn)
        base = np.where(sign > 0, base * ratio, np.where(sign < 0, base / ratio, base))
    like_ratio = g.uniform(2e-4, 3e-3, n)
    likes = (initial * like_ratio * g.uniform(0.5, 1.5, n)).astype(np.int64)
    return {
        "base": base,
        "sign": sign,
        "created_day": created_day,
        "created_us": created_us,
        "like_ratio": like_ratio,
        "downloads": initial,
        "likes": likes,
    }


def static_frame(models: pl.DataFrame, created_us: np.ndarray) -> pl.DataFrame:
    """The columns that do not change by day, in the daily files' order around the counters."""
    return models.select(
        "id",
        "author",
        pl.Series("createdAt", created_us).cast(pl.Datetime("us", "UTC")),
        "pipeline_tag",
        "library_name",
        pl.concat_list(pl.format("license:{}", "license")).alias("tags"),
    )


def write_day(
    path: Path, static: pl.DataFrame, present: np.ndarray, downloads: np.ndarray, likes: np.ndarray
) -> None:
    frame = static.filter(pl.Series(present)).with_columns(
        pl.Series("downloadsAllTime", downloads[present]),
        pl.Series("likes", likes[present]),
    )
    columns = ["id", "author", "createdAt", "downloadsAllTime", "likes"]
    columns += ["pipeline_tag", "library_name", "tags"]
    frame.select(columns).write_parquet(path, **PARQUET)


def generate_hub(spec: DemoSpec, models: pl.DataFrame, out_dir: Path) -> HubResult:
    folder = out_dir / "hub" / "daily"
    folder.mkdir(parents=True, exist_ok=True)
    a = model_attributes(spec, models)
    static = static_frame(models, a["created_us"])
    faults = Faults.for_days(spec.days)
    true_dl, true_likes = a["downloads"].copy(), a["likes"].copy()
    shown_dl, shown_likes = true_dl.copy(), true_likes.copy()  # the last file's counters
    shown_present = np.zeros(models.height, dtype=bool)
    ever_shown = shown_present.copy()
    # The catalog's 30-day `downloads`: the true counters of its day minus those 30 days before.
    cat = catalog_index(spec)
    ref = max(cat - 29, 0)
    captured: dict[str, np.ndarray] = {}
    china, usa = np.zeros(spec.days), np.zeros(spec.days)
    days, gaps, corrected = [], [], []
    ids = models["id"]
    for i in range(spec.days):
        day, g = spec.day(i), rng(spec, s.STREAM_HUB_DAY, i)
        if i == ref:
            captured["ref"] = true_dl.copy()
        present = a["created_day"] <= i
        trend = np.exp(
            a["sign"] * np.where(a["sign"] > 0, CN_GROWTH, US_DECLINE) * (i / spec.days - 0.5)
        )
        rate = a["base"] * trend * WEEKLY[day.weekday()] * g.lognormal(0.0, 0.3, models.height)
        added = np.where(present, g.poisson(rate), 0)
        true_dl += added
        true_likes += g.poisson(added * a["like_ratio"])
        china[i], usa[i] = added[a["sign"] > 0].sum(), added[a["sign"] < 0].sum()
        if i == cat:
            captured["cat"], captured["likes"] = true_dl.copy(), true_likes.copy()
        if i in faults.gaps:
            gaps.append(day)
            continue
        path = folder / f"{day.isoformat()}.parquet"
        days.append(day)
        if i == faults.stale:  # the source did not refresh: yesterday's file, byte for byte
            shutil.copyfile(folder / f"{spec.day(i - 1).isoformat()}.parquet", path)
            continue
        dl, likes = true_dl.copy(), true_likes.copy()
        before = shown_present & present
        if i == faults.partly_stale:
            keep = before & (g.random(models.height) < s.PARTLY_STALE_SHARE)
            dl[keep], likes[keep] = shown_dl[keep], shown_likes[keep]
        elif i == faults.correction:
            eligible = np.flatnonzero(before & (shown_dl >= 1_000))
            size = min(s.CORRECTED_MODELS, eligible.size)
            chosen = np.sort(g.choice(eligible, size=size, replace=False))
            dl[chosen] = shown_dl[chosen] - np.ceil(
                shown_dl[chosen] * g.uniform(1e-3, 1e-2, len(chosen))
            ).astype(np.int64)
            corrected = ids.gather(chosen).to_list()
        elif i == faults.bad:
            down = before & (shown_dl >= 2) & (g.random(models.height) < s.BAD_DAY_SHARE_DOWN)
            lowered = (shown_dl * g.uniform(0.55, 0.97, models.height)).astype(np.int64)
            dl[down] = np.minimum(lowered, shown_dl - 1)[down]
        write_day(path, static, present, dl, likes)
        shown_dl, shown_likes, shown_present = dl, likes, present
        ever_shown |= present
    crossed = np.flatnonzero(china > usa)
    cat_present = a["created_day"] <= cat
    recent = (captured["cat"] - captured["ref"]) * 30 / (cat - ref + 1)  # scaled when short
    view = models.with_columns(
        pl.Series("createdAt", a["created_us"]).cast(pl.Datetime("us", "UTC")),
        pl.Series("downloadsAllTime", captured["cat"]),
        pl.Series("downloads", np.minimum(recent.astype(np.int64), captured["cat"])),
        pl.Series("likes", captured["likes"]),
    ).filter(pl.Series(cat_present))
    return HubResult(
        days=tuple(days),
        gap_days=tuple(gaps),
        corrected_ids=tuple(corrected),
        crossover_day=spec.day(int(crossed[0])) if crossed.size and usa.sum() > 0 else None,
        tracked_models=int(ever_shown.sum()),
        catalog_day=spec.day(cat),
        catalog_view=view,
    )
