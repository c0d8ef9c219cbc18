"""The Hub snapshot as we store it: the column layout of the public hub-stats dataset.

`cfahlgren1/hub-stats` copies the Hub API's model objects, so its names (camelCase, as the API
sends them) are kept. Only the fields the marts use are declared; the rest are dropped and
reported. `downloads` is the last 30 days and `downloadsAllTime` the lifetime counter.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import polars as pl
from pydantic import Field

from ingestion.declared import Declared, Finite, Int64, NonEmpty

HUB_SOURCE = "hub"

BASE_MODELS_DTYPE = pl.Struct(
    {"relation": pl.String, "models": pl.List(pl.Struct({"id": pl.String}))}
)

HUB_SNAPSHOT_SCHEMA = pl.Schema(
    {
        "id": pl.String,
        "author": pl.String,
        "createdAt": pl.Datetime("us", "UTC"),
        "lastModified": pl.Datetime("us", "UTC"),
        "downloads": pl.Int64,
        "downloadsAllTime": pl.Int64,
        "likes": pl.Int64,
        "trendingScore": pl.Float64,
        "tags": pl.List(pl.String),
        "pipeline_tag": pl.String,
        "library_name": pl.String,
        "cardData": pl.String,
        "safetensors": pl.Struct({"total": pl.Int64}),
        "baseModels": BASE_MODELS_DTYPE,
        "childrenModelCount": pl.Int64,
    }
)

# What the live client asks the Hub for. `expand` is a whitelist: every field must be named.
HUB_EXPAND_FIELDS: tuple[str, ...] = (
    "author",
    "createdAt",
    "lastModified",
    "downloads",
    "downloadsAllTime",
    "likes",
    "trendingScore",
    "tags",
    "pipeline_tag",
    "library_name",
    "safetensors",
    # The Hub's count of a model's derivatives: the live measure of the derivative ecosystem of
    # tracked models at no extra request (see docs/lineage.md).
    "childrenModelCount",
)

REQUIRED_COLUMNS: tuple[str, ...] = ("id", "downloadsAllTime")


# --- a live answer's model object, as declared (ingestion.declared) ---------------------------
# The Hub writes ISO timestamps; a datetime is read from its string (strict mode would refuse it).
Timestamp = Annotated[dt.datetime, Field(strict=False)]


class Safetensors(Declared):
    total: Int64 | None = None


class HubModel(Declared):
    """Every field the live parse reads (`HUB_EXPAND_FIELDS`, and the id)."""

    id: NonEmpty
    author: str | None = None
    createdAt: Timestamp | None = None
    lastModified: Timestamp | None = None
    downloads: Int64 | None = None
    downloadsAllTime: Int64 | None = None
    likes: Int64 | None = None
    trendingScore: Finite | None = None
    tags: list[str] | None = None
    pipeline_tag: str | None = None
    library_name: str | None = None
    cardData: dict[str, Any] | None = None
    safetensors: Safetensors | None = None
    childrenModelCount: Int64 | None = None
