"""OpenRouter's public model list, live: `GET {base_url}/models?output_modalities=all`.

No key is needed. The answer is `{data: [...], links: {next}}`; `links.next` is a relative URL
when there is more, and it is followed until it is absent. Each page is one `ingestion.http`
GET: 429 and 5xx answers and connection errors are retried (4 attempts, waiting what the server
asks, else backing off); an answer that is not the expected JSON (an HTML error page, a
truncated body) is an InputError naming the URL, not retried. The pages are gathered before
anything is returned: a day lands with every page or not at all. OpenRouter keeps no price history, so the live source
(`LiveSource(LiveOpenRouterClient(...))`) only snapshots the present: today or the day that just
ended.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

import httpx
import polars as pl

from ingestion.errors import InputError
from ingestion.http import MAX_ATTEMPTS, TIMEOUT_SECONDS, RetryPolicy, get_json
from ingestion.live import Window
from ingestion.prices.parse import models_frame, next_link
from ingestion.prices.schema import OPENROUTER_MODELS_SCHEMA, OPENROUTER_SOURCE
from ingestion.snapshots import Snapshot

__all__ = ["MAX_ATTEMPTS", "TIMEOUT_SECONDS", "LiveOpenRouterClient"]

MAX_PAGES = 100  # a guard against a server that sends `next` forever


@dataclass(frozen=True)
class LiveOpenRouterClient:
    source: ClassVar[str] = OPENROUTER_SOURCE
    window: ClassVar[Window] = Window.PRESENT
    no_history: ClassVar[str] = (
        "OpenRouter keeps no history. Backfill past days in recorded mode with PRICES_SNAPSHOT_DIR."
    )
    base_url: str
    timeout: float = TIMEOUT_SECONDS
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def location(self) -> str:
        return self.base_url

    def snapshot(self, day: dt.date) -> Snapshot:
        frames: list[pl.DataFrame] = []
        url: str | None = f"{self.base_url.rstrip('/')}/models?output_modalities=all"
        pages = 0
        with httpx.Client(timeout=self.timeout, headers={"Accept": "application/json"}) as http:
            while url is not None:
                if pages >= MAX_PAGES:
                    raise InputError(OPENROUTER_SOURCE, url, "links.next", "too many pages")
                payload, _ = get_json(http, url, source=OPENROUTER_SOURCE, retry=self.retry)
                pages += 1
                frames.append(models_frame(payload, location=url))
                link = next_link(payload, location=url)
                url = _join(url, link) if link else None
        frame = pl.concat(frames) if frames else pl.DataFrame(schema=OPENROUTER_MODELS_SCHEMA)
        return Snapshot(day, frame, self.base_url, pages=pages)


def _join(url: str, link: str) -> str:
    try:
        return str(httpx.URL(url).join(link))
    except httpx.InvalidURL as exc:
        raise InputError(OPENROUTER_SOURCE, url, "links.next", f"not a URL: {link!r}") from exc
