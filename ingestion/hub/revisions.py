"""A revision of hub-stats' `models.parquet`, of any age, into the snapshot layout.

The dataset's columns have drifted: old revisions lack columns that exist today and may carry
names the Hub API used before (`modelId` for `id`). Columns are read by name. A revision is
conformed, not refused, as long as it names its models and carries one download counter:
- a known older name is renamed (when the current name is absent);
- `author` missing is the id's namespace, as the Hub derives it;
- the rest missing becomes nulls (`ingestion.conform`), and is reported.
A revision with only the 30-day `downloads` (no `downloadsAllTime`) is conformed too; the marts
then derive its downloads as a 30-day-window measure, labelled as such (see docs/backfill.md).
"""

from __future__ import annotations

import polars as pl

from ingestion.conform import ConformReport, conform
from ingestion.errors import InputError
from ingestion.hub.schema import HUB_SNAPSHOT_SCHEMA, HUB_SOURCE

# Older name -> current name. `modelId` is the Hub API's older name of `id`; the snake_case
# ones are the names other exports of the API use.
RENAMED = {
    "modelId": "id",
    "downloads_all_time": "downloadsAllTime",
    "created_at": "createdAt",
    "last_modified": "lastModified",
    "trending_score": "trendingScore",
}
COUNTERS = ("downloadsAllTime", "downloads")


def conform_revision(raw: pl.DataFrame, location: str) -> tuple[pl.DataFrame, ConformReport]:
    renames = {
        old: new for old, new in RENAMED.items() if old in raw.columns and new not in raw.columns
    }
    frame = raw.rename(renames)
    if "id" not in frame.columns:
        raise InputError(HUB_SOURCE, location, "id", "required column is missing (nor modelId)")
    if not any(counter in frame.columns for counter in COUNTERS):
        raise InputError(
            HUB_SOURCE, location, "downloadsAllTime", "no download counter (nor downloads)"
        )
    if "author" not in frame.columns:
        frame = frame.with_columns(pl.col("id").str.split("/").list.first().alias("author"))
    return conform(frame, HUB_SNAPSHOT_SCHEMA, source=HUB_SOURCE, location=location)
