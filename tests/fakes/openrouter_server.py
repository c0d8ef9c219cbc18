"""A local HTTP server that answers like OpenRouter's `GET /api/v1/models` and its usage dataset
`GET /api/v1/datasets/rankings-daily`, for the live clients.

`/models` serves the model list it is given in pages, with `links.next` as a relative URL as
OpenRouter sends it. `rankings-daily` serves the answers it is given by day (`rankings`), for
`start_date..end_date`, to requests that carry `Authorization: Bearer <api_key>` only: any other
request gets OpenRouter's 401 with a JSON error body. Both can be told to fail the next requests
(429 with `Retry-After`, 5xx, an HTML error page, a truncated body) so retries and error messages
are tested for real.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from tests.fakes.local_server import LocalServer, QuietHandler

MODELS_PATH = "/api/v1/models"
RANKINGS_PATH = "/api/v1/datasets/rankings-daily"
UNAUTHORIZED = b'{"error": {"code": 401, "message": "No auth credentials found"}}'


class FakeOpenRouter(LocalServer):
    def __init__(
        self,
        models: list[dict[str, Any]],
        page_size: int = 200,
        rankings: Mapping[dt.date, dict[str, Any]] | None = None,
        api_key: str | None = None,
    ) -> None:
        super().__init__(models, page_size)
        self.rankings = dict(rankings or {})
        self.api_key = api_key  # None: every rankings request is refused, as without a key
        self.authorizations: list[str | None] = []  # the header of each rankings request

    @property
    def base_url(self) -> str:
        return f"{self.address}/api/v1"

    def reset(self) -> None:
        super().reset()
        self.authorizations.clear()

    def rankings_answer(self, start: dt.date, end: dt.date) -> dict[str, Any]:
        """One day's answer as given; a range (or a day not given) assembled from the days."""
        if start == end and start in self.rankings:
            return self.rankings[start]
        days = [d for d in sorted(self.rankings) if start <= d <= end]
        as_of = max((self.rankings[d]["meta"]["as_of"] for d in days), default=None)
        return {
            "data": [row for d in days for row in self.rankings[d]["data"]],
            "meta": {
                "as_of": as_of or f"{end + dt.timedelta(days=1)}T00:00:00Z",
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "version": "v1",
            },
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                fake.requests.append(self.path)
                url = urlparse(self.path)
                if url.path == RANKINGS_PATH:
                    fake.authorizations.append(self.headers.get("Authorization"))
                elif url.path != MODELS_PATH:
                    self.reply(404, b'{"error": {"message": "Not Found"}}')
                    return
                if fake.faults:
                    self.reply_fault(fake.faults.popleft())
                    return
                query = parse_qs(url.query)
                if url.path == RANKINGS_PATH:
                    self.answer_rankings(query)
                else:
                    self.answer_models(query)

            def answer_rankings(self, query: dict[str, list[str]]) -> None:
                header = self.headers.get("Authorization")
                if fake.api_key is None or header != f"Bearer {fake.api_key}":
                    self.reply(401, UNAUTHORIZED)
                    return
                try:
                    start = dt.date.fromisoformat(query["start_date"][0])
                    end = dt.date.fromisoformat(query["end_date"][0])
                except (KeyError, ValueError):
                    message = "start_date and end_date are required, as YYYY-MM-DD"
                    self.reply(400, json.dumps({"error": {"message": message}}).encode())
                    return
                if start > end:
                    message = "start_date is after end_date"
                    self.reply(400, json.dumps({"error": {"message": message}}).encode())
                    return
                self.reply(200, json.dumps(fake.rankings_answer(start, end)).encode())

            def answer_models(self, query: dict[str, list[str]]) -> None:
                offset = int(query.get("offset", ["0"])[0])
                page = fake.models[offset : offset + fake.page_size]
                links: dict[str, str | None] = {"next": None}
                if offset + fake.page_size < len(fake.models):
                    next_query = {k: v for k, v in query.items() if k != "offset"}
                    next_query["offset"] = [str(offset + fake.page_size)]
                    links["next"] = f"{MODELS_PATH}?{urlencode(next_query, doseq=True)}"
                body = {"data": page, "total_count": len(fake.models), "links": links}
                self.reply(200, json.dumps(body).encode())

        return Handler
