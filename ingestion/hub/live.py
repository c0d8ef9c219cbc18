"""Takes a Hub snapshot live: one `list_models` call per developer org, paged by the client.

Cost: one request per page of 1,000 models per org (the client follows the `Link` header), so
the ~40 orgs of the registry cost ~40-60 requests a day, far below the anonymous limit of 500
per 5 minutes. Retries on 408/429/5xx and the `RateLimit` reset are huggingface_hub's.

The Hub has no history endpoint: its counters can only be read as they stand now, so the live
source (`LiveSource(LiveHubClient(...))`) refuses days other than today or the one that just ended.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, ClassVar

import polars as pl
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError

from ingestion.conform import conform
from ingestion.errors import InputError
from ingestion.hub.schema import HUB_EXPAND_FIELDS, HUB_SNAPSHOT_SCHEMA, HUB_SOURCE
from ingestion.live import Window
from ingestion.snapshots import Snapshot

_PAGE_SIZE = 1000  # the Hub's page size for list_models


@dataclass(frozen=True)
class LiveHubClient:
    """The models of `orgs` (the developer registry's), with their counters as they stand now."""

    source: ClassVar[str] = HUB_SOURCE
    window: ClassVar[Window] = Window.PRESENT
    no_history: ClassVar[str] = (
        "the Hub keeps no history, only today's counters. Backfill past days in recorded mode "
        "with HUB_SNAPSHOT_DIR pointing at hub-stats exports."
    )
    endpoint: str
    orgs: tuple[str, ...] = ()
    token: str | None = None

    @property
    def location(self) -> str:
        return self.endpoint

    def snapshot(self, day: dt.date) -> Snapshot:
        api = HfApi(endpoint=self.endpoint, token=self.token)
        rows: list[dict[str, Any]] = []
        pages = 0
        for org in self.orgs:
            location = f"{self.endpoint}/api/models?author={org}"
            try:
                models = list(api.list_models(author=org, expand=list(HUB_EXPAND_FIELDS)))
            except HfHubHTTPError as exc:
                raise InputError(HUB_SOURCE, location, None, f"request failed: {exc}") from exc
            except (ValueError, KeyError) as exc:
                # The client raises these when the body is not the JSON it expects.
                raise InputError(HUB_SOURCE, location, None, f"unreadable answer: {exc}") from exc
            pages += max(1, -(-len(models) // _PAGE_SIZE))
            rows.extend(model_row(m) for m in models)
        frame, report = conform(
            pl.DataFrame(rows, schema_overrides=_LIVE_ROW_SCHEMA, infer_schema_length=None)
            if rows
            else pl.DataFrame(schema=_LIVE_ROW_SCHEMA),
            HUB_SNAPSHOT_SCHEMA,
            source=HUB_SOURCE,
            location=self.endpoint,
        )
        return Snapshot(day=day, frame=frame, location=self.endpoint, report=report, pages=pages)


# The client's ModelInfo -> hub-stats layout. Lineage comes in tags (`base_model:<rel>:<id>`):
# `baseModels` is refused by list_models, so it stays null in live snapshots.
_LIVE_ROW_SCHEMA = {
    name: dtype for name, dtype in HUB_SNAPSHOT_SCHEMA.items() if name != "baseModels"
}


def model_row(model: Any) -> dict[str, Any]:
    safetensors = getattr(model, "safetensors", None)
    card = getattr(model, "card_data", None)
    return {
        "id": model.id,
        "author": model.author or model.id.split("/", 1)[0],
        "createdAt": _utc(model.created_at),
        "lastModified": _utc(model.last_modified),
        "downloads": model.downloads,
        "downloadsAllTime": model.downloads_all_time,
        "likes": model.likes,
        "trendingScore": model.trending_score,
        "tags": list(model.tags or []),
        "pipeline_tag": model.pipeline_tag,
        "library_name": model.library_name,
        "cardData": json.dumps(card.to_dict()) if hasattr(card, "to_dict") else None,
        "safetensors": {"total": safetensors.total} if safetensors else None,
        "childrenModelCount": getattr(model, "children_model_count", None),
    }


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
