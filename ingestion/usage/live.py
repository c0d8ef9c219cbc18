"""OpenRouter's daily usage rankings, live: `GET {base_url}/datasets/rankings-daily?start_date=D&
end_date=D` with `Authorization: Bearer <OPENROUTER_API_KEY>`, one request per day.

A day's figures are final only once it has ended in UTC, so the live source
(`LiveSource(LiveRankingsClient(...))`) fetches past days and leaves today and later as gaps.
The answer is parsed as a recorded one is (`ingestion.usage.parse`), and must be for the
day asked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import ClassVar

import httpx

from ingestion.errors import UnavailableError
from ingestion.http import TIMEOUT_SECONDS, ClientError, RetryPolicy, get_json
from ingestion.live import Window
from ingestion.snapshots import Snapshot
from ingestion.usage.parse import rankings_frame, require_day
from ingestion.usage.schema import RANKINGS_SOURCE

KEY_VARIABLE = "OPENROUTER_API_KEY"
# What an HTTP header can carry. A key read from a file with its newline, or pasted with a
# non-ASCII character, makes httpx raise an error that quotes the header, key included.
_USABLE_KEY = re.compile(r"[\x21-\x7e]+")


@dataclass(frozen=True)
class LiveRankingsClient:
    """`rankings-daily` for one day per request. The key never enters a message or a repr."""

    source: ClassVar[str] = RANKINGS_SOURCE
    window: ClassVar[Window] = Window.ENDED
    no_history: ClassVar[str] = ""  # past days are all there: nothing is refused
    base_url: str
    api_key: str = field(repr=False)
    timeout: float = TIMEOUT_SECONDS
    # OpenRouter's Data API allows 30 requests a minute: a rate limit asks for a minute at most.
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def location(self) -> str:
        return self.base_url

    def url(self, day: dt.date) -> str:
        query = f"start_date={day.isoformat()}&end_date={day.isoformat()}"
        return f"{self.base_url.rstrip('/')}/datasets/rankings-daily?{query}"

    def snapshot(self, day: dt.date) -> Snapshot:
        url = self.url(day)
        if not isinstance(self.api_key, str) or not _USABLE_KEY.fullmatch(self.api_key):
            raise UnavailableError(
                RANKINGS_SOURCE,
                url,
                None,
                f"{KEY_VARIABLE} is not a usable key (empty, or with spaces, a newline or "
                "non-ASCII characters): set it to an OpenRouter API key",
            )
        headers = {"Accept": "application/json", "Authorization": f"Bearer {self.api_key}"}
        with httpx.Client(timeout=self.timeout, headers=headers) as http:
            try:
                payload, _ = get_json(http, url, source=RANKINGS_SOURCE, retry=self.retry)
            except ClientError as exc:
                if exc.status not in (401, 403):
                    raise
                raise UnavailableError(
                    RANKINGS_SOURCE,
                    url,
                    None,
                    f"OpenRouter refused the API key (HTTP {exc.status}): set {KEY_VARIABLE} "
                    "to a valid key",
                ) from exc
        frame = rankings_frame(payload, location=url)
        require_day(frame, day, location=url)
        return Snapshot(day, frame, url, pages=1)
