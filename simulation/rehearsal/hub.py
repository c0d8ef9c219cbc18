"""A local server that answers like the Hugging Face Hub's model list, `GET /api/models`.

It serves the model rows it is given (`api_models`: rows of a hub-stats Parquet file in the
API's JSON shape) with the Hub's parameters: `author` filters, `expand` is a whitelist (once
used, only the fields named come back, with `_id` and `id`), `limit` sets the page size (up to
`page_size`), and the next page is the absolute URL in `Link: <...&cursor=N>; rel="next"`, with
the server's own address as the client requires. `/api/agent-harnesses`, which huggingface_hub
2.x asks first, gets the 404 the client expects off the real Hub; any other path a 404 too.
The `Authorization` header of each request is kept in `seen` (never printed).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlencode

import polars as pl

from simulation.rehearsal.base import LocalServer, Reply

MODELS_PATH = "/api/models"
AGENT_HARNESSES_PATH = "/api/agent-harnesses"
PAGE_SIZE = 1000  # the Hub's page of /api/models


def children_counts(catalog: pl.DataFrame) -> dict[str, int]:
    """How many rows of a hub-stats frame name each model as a base: the Hub's
    `childrenModelCount`, as far as the frame knows its derivatives."""
    if "baseModels" not in catalog.columns:
        return {}
    bases = catalog.select(
        pl.col("baseModels").struct.field("models").list.eval(pl.element().struct.field("id"))
    ).explode("models")
    return dict(bases.drop_nulls().group_by("models").len().iter_rows())


def api_models(frame: pl.DataFrame, children: Mapping[str, int] | None = None) -> list[dict]:
    """Rows of a hub-stats frame as the Hub API sends them (camelCase, ISO times). Columns the
    frame lacks are left out, as the Hub leaves out what it does not have."""
    children = children_counts(frame) if children is None else children
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


class HubServer(LocalServer):
    def __init__(self, models: list[dict[str, Any]], page_size: int = PAGE_SIZE, port: int = 0):
        super().__init__(port)
        self.models = models
        self.page_size = page_size

    @property
    def url(self) -> str:
        """What `HF_ENDPOINT` is set to."""
        return self.address

    def model_requests(self) -> list[str]:
        return [r for r in self.requests if r.startswith(MODELS_PATH)]

    def is_api(self, path: str) -> bool:
        return path == MODELS_PATH

    def answer(self, path: str, query: str, headers: Mapping[str, str]) -> Reply:
        if path == AGENT_HARNESSES_PATH:
            return Reply(404, b'{"error": "not found"}')
        if path != MODELS_PATH:
            return Reply(404, b'{"error": "Repository not found"}')
        return self._list_models(parse_qs(query))

    def _list_models(self, query: dict[str, list[str]]) -> Reply:
        author = query.get("author", [None])[0]
        expand = query.get("expand", [])
        try:
            cursor = int(query.get("cursor", ["0"])[0])
            size = min(self.page_size, int(query.get("limit", [str(self.page_size)])[0]))
        except ValueError:
            return Reply(400, b'{"error": "cursor and limit are whole numbers"}')
        selected = [m for m in self.models if author is None or m.get("author") == author]
        page = selected[cursor : cursor + size]
        body = [
            {k: v for k, v in m.items() if k in ("_id", "id") or k in expand} if expand else m
            for m in page
        ]
        headers = {}
        if cursor + size < len(selected):
            next_query = {k: v for k, v in query.items() if k != "cursor"}
            next_query["cursor"] = [str(cursor + size)]
            link = f"{self.url}{MODELS_PATH}?{urlencode(next_query, doseq=True)}"
            headers["Link"] = f'<{link}>; rel="next"'
        return Reply(200, json.dumps(body).encode(), headers)
