"""The demo's models are created in their family's real order (simulation/demo/releases.py):
no model of a generation before that generation's release, and no org's models named after
another family it does not make."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from simulation.demo import DemoSummary
from simulation.demo.releases import release_dates


def last_snapshot(demo: DemoSummary) -> pl.DataFrame:
    return pl.read_parquet(Path(demo.out_dir) / "hub" / "daily" / f"{demo.hub_days[-1]}.parquet")


def test_release_rules_pick_the_generation_not_the_family():
    names = ["DeepSeek-V4-Pro", "DeepSeek-V3", "Qwen3.5-9B", "Qwen3-8B", "Qwen2.5-Coder-7B",
             "Mistral-Small-2506", "Llama-3.1-8B", "an-unknown-model"]  # fmt: skip
    released = dict(zip(names, release_dates(pl.Series(names)).to_list(), strict=True))
    assert released["DeepSeek-V3"] < released["DeepSeek-V4-Pro"]
    assert released["Qwen2.5-Coder-7B"] < released["Qwen3-8B"] < released["Qwen3.5-9B"]
    assert released["Mistral-Small-2506"] == dt.date(2025, 6, 1)
    assert released["an-unknown-model"] is None


def test_no_demo_model_is_created_before_its_generation(demo):
    snapshot = last_snapshot(demo).with_columns(
        pl.col("id").str.split("/").list.last().alias("name")
    )
    released = release_dates(snapshot["name"])
    created = snapshot["createdAt"].dt.date()
    known = released.is_not_null()
    assert known.sum() > 100
    # A generation released after the window's end comes on its last day (the OpenRouter part
    # needs its anchors on the Hub).
    last = demo.hub_days[-1]
    due = pl.select(pl.min_horizontal(released, pl.lit(last))).to_series()
    early = snapshot.filter(known & (created < due))
    assert early.is_empty(), early.select("id", "createdAt").head()
    # and each family in order: DeepSeek-V4 after every DeepSeek-V3 of the lab
    v3 = created.filter(snapshot["name"].str.starts_with("DeepSeek-V3"))
    v4 = created.filter(snapshot["name"].str.starts_with("DeepSeek-V4"))
    if len(v3) and len(v4):
        assert v3.max() < v4.min()


def test_cohere_publishes_its_own_models_not_other_families(demo):
    cohere = last_snapshot(demo).filter(pl.col("id").str.starts_with("CohereForAI/"))
    assert not cohere.filter(pl.col("id").str.contains("(?i)qwen|llama|mistral")).height
