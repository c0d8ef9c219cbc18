"""A local HTTP server that answers like the Hugging Face Hub API, for the live client's tests.

It serves real model rows (the bundled catalog export) in the API's JSON shape, pages them with
a `Link: <...&cursor=N>; rel="next"` header that carries its own address, honours `author` and
the `expand` whitelist, answers `/api/agent-harnesses` with 404 as the client expects off the
real Hub, and can be told to fail the next requests (429 with a `RateLimit` header, 500, an HTML
error page, a truncated body) so retries and error messages are tested for real.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import polars as pl


@dataclass
class Fault:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


def api_models_from_parquet(path: Path) -> list[dict[str, Any]]:
    """Rows of a hub-stats Parquet file as the Hub API sends them (camelCase, ISO times)."""
    frame = pl.read_parquet(path)
    # The Hub counts a model's children itself; here they are the rows naming it as a base.
    children = dict(
        frame.select(
            pl.col("baseModels").struct.field("models").list.eval(pl.element().struct.field("id"))
        )
        .explode("models")
        .drop_nulls()
        .group_by("models")
        .len()
        .iter_rows()
    )
    models = []
    for row in frame.to_dicts():
        model: dict[str, Any] = {"_id": row["id"], "id": row["id"], "modelId": row["id"]}
        for key in (
            "author",
            "downloads",
            "downloadsAllTime",
            "likes",
            "trendingScore",
            "tags",
            "pipeline_tag",
            "library_name",
        ):
            if row.get(key) is not None:
                model[key] = row[key]
        for key in ("createdAt", "lastModified"):
            value = row.get(key)
            if isinstance(value, dt.datetime):
                model[key] = value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if row.get("safetensors"):
            params = {k: v for k, v in row["safetensors"]["parameters"].items() if v is not None}
            model["safetensors"] = {"parameters": params, "total": row["safetensors"]["total"]}
        if row.get("cardData"):
            model["cardData"] = json.loads(row["cardData"])
        model["childrenModelCount"] = children.get(row["id"], 0)
        models.append(model)
    return models


class FakeHub:
    def __init__(self, models: list[dict[str, Any]], page_size: int = 50) -> None:
        self.models = models
        self.page_size = page_size
        self.faults: deque[Fault] = deque()
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        self.faults.clear()
        self.requests.clear()

    def fail_next(self, *faults: Fault) -> None:
        self.faults.extend(faults)

    def model_requests(self) -> list[str]:
        return [r for r in self.requests if r.startswith("/api/models")]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep pytest output clean
                pass

            def do_HEAD(self) -> None:
                self._reply(404, b"")

            def do_GET(self) -> None:
                hub.requests.append(self.path)
                url = urlparse(self.path)
                if url.path == "/api/agent-harnesses":
                    self._reply(404, b'{"error": "not found"}')
                    return
                if url.path != "/api/models":
                    self._reply(404, b'{"error": "Repository not found"}')
                    return
                if hub.faults:
                    fault = hub.faults.popleft()
                    self._reply(fault.status, fault.body, fault.headers, fault.content_type)
                    return
                self._list_models(parse_qs(url.query))

            def _list_models(self, query: dict[str, list[str]]) -> None:
                author = query.get("author", [None])[0]
                expand = query.get("expand", [])
                cursor = int(query.get("cursor", ["0"])[0])
                selected = [m for m in hub.models if author is None or m.get("author") == author]
                page = selected[cursor : cursor + hub.page_size]
                body = [
                    {k: v for k, v in m.items() if k in ("_id", "id") or k in expand}
                    if expand
                    else m
                    for m in page
                ]
                headers = {}
                if cursor + hub.page_size < len(selected):
                    next_query = {k: v for k, v in query.items() if k != "cursor"}
                    next_query["cursor"] = [str(cursor + hub.page_size)]
                    link = f"{hub.url}/api/models?{urlencode(next_query, doseq=True)}"
                    headers["Link"] = f'<{link}>; rel="next"'
                self._reply(200, json.dumps(body).encode(), headers)

            def _reply(
                self,
                status: int,
                body: bytes,
                headers: dict[str, str] | None = None,
                content_type: str = "application/json",
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

        return Handler
