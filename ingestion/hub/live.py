"""Takes a Hub snapshot live: the models of each developer org, page by page.

One `GET {endpoint}/api/models?author=<org>&expand=...` per org, then the absolute URL of the
answer's `Link: <...>; rel="next"` header until there is none (the Hub pages by 1,000 models;
no `limit` is sent, which would cap the total, as `list_models` sends none); the ~155 orgs of
the registry cost about one request each, far below the anonymous limit of 500 per 5 minutes.

The requests are ours (`ingestion.http`), not huggingface_hub's `list_models`: its backoff waits
a second more than a rate limit asks and cannot be told otherwise (see `ingestion.http`), which
made the registry's step take 310 s instead of 155 s against a server that rate-limits each
org's first request for a second. huggingface_hub still builds the headers (token, user agent)
and parses each model (`ModelInfo`), as `list_models` does. Every page of every org is gathered
before the snapshot is returned: a day lands whole or not at all, and a fault that outlasts the
retries is a `FetchError` naming the page's URL.

The Hub has no history endpoint: its counters can only be read as they stand now, so the live
source (`LiveSource(LiveHubClient(...))`) refuses days other than today or the one that just ended.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlencode

import httpx
import polars as pl
from huggingface_hub import ModelInfo
from huggingface_hub.utils import build_hf_headers

from ingestion.conform import conform
from ingestion.declared import validated
from ingestion.errors import InputError
from ingestion.http import TIMEOUT_SECONDS, RetryPolicy, get_json
from ingestion.hub.schema import HUB_EXPAND_FIELDS, HUB_SNAPSHOT_SCHEMA, HUB_SOURCE, HubModel
from ingestion.live import Window
from ingestion.snapshots import Snapshot

MAX_PAGES_PER_ORG = 1000  # a guard against a server that sends `next` forever
# The Hub's rate limit window is five minutes: it never asks for a longer wait.
HUB_RETRY = RetryPolicy(max_wait=300.0)


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
    token: str | None = field(default=None, repr=False)
    timeout: float = TIMEOUT_SECONDS
    retry: RetryPolicy = HUB_RETRY

    @property
    def location(self) -> str:
        return self.endpoint

    def first_page(self, org: str) -> str:
        query = urlencode([("author", org), *(("expand", name) for name in HUB_EXPAND_FIELDS)])
        return f"{self.endpoint.rstrip('/')}/api/models?{query}"

    def snapshot(self, day: dt.date) -> Snapshot:
        rows: list[dict[str, Any]] = []
        pages = 0
        # huggingface_hub's headers: the token (HF_TOKEN, or a stored login), the user agent.
        headers = build_hf_headers(token=self.token)
        with httpx.Client(timeout=self.timeout, headers=headers) as http:
            for org in self.orgs:
                org_rows, org_pages = self._list_models(http, org)
                rows.extend(org_rows)
                pages += org_pages
        frame, report = conform(
            live_frame(rows, location=self.endpoint),
            HUB_SNAPSHOT_SCHEMA,
            source=HUB_SOURCE,
            location=self.endpoint,
        )
        return Snapshot(day=day, frame=frame, location=self.endpoint, report=report, pages=pages)

    def _list_models(self, http: httpx.Client, org: str) -> tuple[list[dict[str, Any]], int]:
        rows: list[dict[str, Any]] = []
        url: str | None = self.first_page(org)
        pages = 0
        while url is not None:
            if pages >= MAX_PAGES_PER_ORG:
                raise InputError(HUB_SOURCE, url, "Link", "too many pages")
            payload, response = get_json(http, url, source=HUB_SOURCE, retry=self.retry)
            pages += 1
            rows.extend(page_rows(payload, location=url))
            url = response.links.get("next", {}).get("url")
        return rows, pages


def page_rows(payload: Any, *, location: str) -> list[dict[str, Any]]:
    """One page of `/api/models` (a JSON list of model objects) as rows of the hub-stats layout.
    Every field read is declared (`schema.HubModel`) before huggingface_hub parses the model
    (`ModelInfo`, as `list_models` makes it): what does not fit is an InputError naming the
    page, the model and the field."""
    if not isinstance(payload, list):
        kind = type(payload).__name__
        raise InputError(HUB_SOURCE, location, None, f"expected a list of models, got {kind}")
    validated(list[HubModel], payload, source=HUB_SOURCE, location=location)
    rows = []
    for i, item in enumerate(payload):
        try:
            # The list omits `siblings`, which ModelInfo reads.
            rows.append(model_row(ModelInfo(**{"siblings": None, **item})))
        except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
            raise InputError(HUB_SOURCE, location, f"[{i}]", f"unreadable model: {exc!r}") from exc
    return rows


def live_frame(rows: list[dict[str, Any]], *, location: str) -> pl.DataFrame:
    """The rows of every page as one frame of the live layout (`_LIVE_ROW_SCHEMA`)."""
    if not rows:
        return pl.DataFrame(schema=_LIVE_ROW_SCHEMA)
    try:
        return pl.DataFrame(rows, schema_overrides=_LIVE_ROW_SCHEMA, infer_schema_length=None)
    except (pl.exceptions.PolarsError, TypeError, ValueError, OverflowError) as exc:
        # Unreachable for declared rows; said as bad input, not a crash, if it ever is not.
        raise InputError(HUB_SOURCE, location, None, f"rows do not fit the layout: {exc}") from exc


def models_frame(payload: Any, *, location: str) -> pl.DataFrame:
    """One page as a frame of the live layout (what a snapshot of one page would hold)."""
    return live_frame(page_rows(payload, location=location), location=location)


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
