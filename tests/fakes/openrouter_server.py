"""A local HTTP server that answers like OpenRouter's `GET /api/v1/models`, for the live client.

It serves the real recorded model list in pages, with `links.next` as a relative URL as
OpenRouter sends it, and can be told to fail the next requests (429, 5xx, an HTML error page, a
truncated body) so retries and error messages are tested for real.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from tests.fakes.hub_server import Fault

MODELS_PATH = "/api/v1/models"


class FakeOpenRouter:
    def __init__(self, models: list[dict[str, Any]], page_size: int = 200) -> None:
        self.models = models
        self.page_size = page_size
        self.faults: deque[Fault] = deque()
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/v1"

    def start(self) -> FakeOpenRouter:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, *faults: Fault) -> None:
        self.faults.extend(faults)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep pytest output clean
                pass

            def do_GET(self) -> None:
                fake.requests.append(self.path)
                url = urlparse(self.path)
                if url.path != MODELS_PATH:
                    self._reply(404, b'{"error": {"message": "Not Found"}}')
                    return
                if fake.faults:
                    fault = fake.faults.popleft()
                    self._reply(fault.status, fault.body, fault.content_type)
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
                self._reply(200, json.dumps(body).encode())

            def _reply(
                self, status: int, body: bytes, content_type: str = "application/json"
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
