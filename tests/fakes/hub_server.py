"""A local HTTP server that answers like the Hugging Face Hub API, for the live client's tests.

It serves the model rows of a hub-stats export (the tests use the demo's catalog) in the API's JSON shape, pages them with
a `Link: <...&cursor=N>; rel="next"` header that carries its own address, honours `author` and
the `expand` whitelist, answers `/api/agent-harnesses` with 404 as the client expects off the
real Hub, and can be told to fail the next requests (429 with a `RateLimit` header, 500, an HTML
error page, a truncated body) so retries and error messages are tested for real.
"""

from __future__ import annotations

import datetime as dt
import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import polars as pl

from tests.fakes.local_server import Fault, LocalServer, QuietHandler

__all__ = ["FakeHub", "Fault", "api_models_from_parquet"]


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
            declared = row["safetensors"].get("parameters") or {}
            params = {k: v for k, v in declared.items() if v is not None}
            model["safetensors"] = {"parameters": params, "total": row["safetensors"]["total"]}
        if row.get("cardData"):
            model["cardData"] = json.loads(row["cardData"])
        model["childrenModelCount"] = children.get(row["id"], 0)
        models.append(model)
    return models


class FakeHub(LocalServer):
    def __init__(self, models: list[dict[str, Any]], page_size: int = 50) -> None:
        super().__init__(models, page_size)

    @property
    def url(self) -> str:
        return self.address

    def model_requests(self) -> list[str]:
        return [r for r in self.requests if r.startswith("/api/models")]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        hub = self

        class Handler(QuietHandler):
            def do_HEAD(self) -> None:
                self.reply(404, b"")

            def do_GET(self) -> None:
                hub.requests.append(self.path)
                url = urlparse(self.path)
                if url.path == "/api/agent-harnesses":
                    self.reply(404, b'{"error": "not found"}')
                    return
                if url.path != "/api/models":
                    self.reply(404, b'{"error": "Repository not found"}')
                    return
                if hub.faults:
                    self.reply_fault(hub.faults.popleft())
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
                self.reply(200, json.dumps(body).encode(), headers)

        return Handler
