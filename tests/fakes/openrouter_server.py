"""A local HTTP server that answers like OpenRouter's `GET /api/v1/models`, for the live client.

It serves the real recorded model list in pages, with `links.next` as a relative URL as
OpenRouter sends it, and can be told to fail the next requests (429, 5xx, an HTML error page, a
truncated body) so retries and error messages are tested for real.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from tests.fakes.local_server import LocalServer, QuietHandler

MODELS_PATH = "/api/v1/models"


class FakeOpenRouter(LocalServer):
    def __init__(self, models: list[dict[str, Any]], page_size: int = 200) -> None:
        super().__init__(models, page_size)

    @property
    def base_url(self) -> str:
        return f"{self.address}/api/v1"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                fake.requests.append(self.path)
                url = urlparse(self.path)
                if url.path != MODELS_PATH:
                    self.reply(404, b'{"error": {"message": "Not Found"}}')
                    return
                if fake.faults:
                    self.reply_fault(fake.faults.popleft())
                    return
                query = parse_qs(url.query)
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
