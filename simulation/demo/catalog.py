"""One hub-stats catalog export: every tracked model, plus the community's derivatives.

The derivative lineage is what the catalog is for: community accounts (never registry orgs)
finetune, quantize, adapt and merge the tracked models, mostly Qwen and Llama, then the
others. Some derive from derivatives (a GGUF of a finetune of a Qwen, a merge of two finetunes,
now and then a third generation), so the marts need their recursive walk to find the root.
`baseModels` carries the parents (2-3 for a merge), the `base_model:<relation>:<id>` tags say
the same as the live API does. The derivatives stay a few thousand at any scale.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from ingestion.hub.schema import HUB_SNAPSHOT_SCHEMA
from simulation.demo.community import Derivative, derive
from simulation.demo.hub import PARQUET, HubResult
from simulation.demo.spec import STREAM_CATALOG, DemoSpec, rng

DERIVATIVES_PER_MODEL = 6
MAX_DERIVATIVES = 12_000


@dataclass(frozen=True)
class CatalogResult:
    path: Path
    rows: int
    derivative_rows: int


def parameters(name: pl.Expr) -> pl.Expr:
    """A parameter count read from the name (`-7B`, `-1_8b`, `-135M`), else null."""
    size = name.str.extract(r"(?i)[-_](\d+(?:[._]\d+)?)([bm])(?:[-_]|$)", 1).str.replace("_", ".")
    unit = name.str.extract(r"(?i)[-_]\d+(?:[._]\d+)?([bm])(?:[-_]|$)", 1).str.to_lowercase()
    scale = pl.when(unit == "b").then(1e9).otherwise(1e6)
    return (size.cast(pl.Float64, strict=False) * scale).round(0).cast(pl.Int64)


def tracked_rows(spec: DemoSpec, view: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """The tracked models in the full layout; `lastModified` falls between creation and `day`."""
    end = pl.lit(dt.datetime.combine(day, dt.time(23, 59), dt.UTC))
    span = (end - pl.col("createdAt")).dt.total_seconds()
    fraction = pl.Series(rng(spec, STREAM_CATALOG, 0).random(view.height))
    card = pl.struct(pl.col("license"), pl.col("library_name"), pl.col("pipeline_tag"))
    return view.select(
        "id",
        "author",
        "createdAt",
        (pl.col("createdAt") + pl.duration(seconds=(span * fraction).cast(pl.Int64))).alias(
            "lastModified"
        ),
        "downloads",
        "downloadsAllTime",
        "likes",
        (pl.col("downloads").cast(pl.Float64).sqrt() / 10).round(2).alias("trendingScore"),
        pl.concat_list(pl.format("license:{}", "license"), pl.col("pipeline_tag")).alias("tags"),
        card.struct.json_encode().alias("cardData"),
        pl.struct(
            pl.when(pl.col("library_name") == "gguf")
            .then(None)
            .otherwise(parameters(pl.col("name")))
            .alias("total")
        ).alias("safetensors"),
        pl.lit(None, dtype=HUB_SNAPSHOT_SCHEMA["baseModels"]).alias("baseModels"),
        "pipeline_tag",
        "library_name",
    )


def derivative_rows(derivatives: list[Derivative]) -> pl.DataFrame:
    rows = [
        {
            "id": d.id,
            "author": d.id.split("/")[0],
            "createdAt": d.created_at,
            "lastModified": d.last_modified,
            "downloads": d.downloads,
            "downloadsAllTime": d.downloads_all_time,
            "likes": d.likes,
            "trendingScore": round(float(np.sqrt(d.downloads)) / 10, 2),
            "tags": d.tags,
            "cardData": json.dumps(d.card),
            "safetensors": None if d.parameters is None else {"total": d.parameters},
            "baseModels": {
                "relation": d.relation,
                "models": [{"id": p} for p in sorted(d.parents)],
            },
            "pipeline_tag": d.pipeline_tag,
            "library_name": d.library_name,
        }
        for d in derivatives
    ]
    schema = {k: v for k, v in HUB_SNAPSHOT_SCHEMA.items() if k != "childrenModelCount"}
    return pl.DataFrame(rows, schema=schema)


def generate_catalog(
    spec: DemoSpec, hub: HubResult, registry_orgs: set[str], out_dir: Path
) -> CatalogResult:
    tracked = tracked_rows(spec, hub.catalog_view, hub.catalog_day)
    count = min(DERIVATIVES_PER_MODEL * tracked.height, MAX_DERIVATIVES)
    view = hub.catalog_view.with_columns(parameters(pl.col("name")).alias("parameters"))
    derivatives = derive(spec, view, hub.catalog_day, count, registry_orgs)
    derived = derivative_rows(derivatives)
    catalog = pl.concat([tracked.select(derived.columns), derived])
    children = (
        catalog.select(pl.col("baseModels").struct.field("models").alias("m"))
        .explode("m")
        .drop_nulls()
        .group_by(pl.col("m").struct.field("id").alias("id"))
        .agg(pl.len().cast(pl.Int64).alias("childrenModelCount"))
    )
    catalog = (
        catalog.join(children, on="id", how="left")
        .with_columns(pl.col("childrenModelCount").fill_null(0))
        .sort("createdAt", "id")
        .select(list(HUB_SNAPSHOT_SCHEMA.names()))
    )
    path = out_dir / "hub" / f"hub_stats_{hub.catalog_day.isoformat()}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.write_parquet(path, **PARQUET)
    return CatalogResult(path, catalog.height, len(derivatives))
