"""A local server that answers like OpenRouter's `GET /api/v1/models` and its usage dataset
`GET /api/v1/datasets/rankings-daily`.

`/models` serves the model list it is given in pages, with `links.next` as a relative URL as
OpenRouter sends it. `rankings-daily` serves the answers it is given by day (`rankings`), for
`start_date..end_date`, to requests that carry `Authorization: Bearer <api_key>` only: any other
request gets OpenRouter's 401 with a JSON error body. With `redate`, a day it has no answer for
gets its newest answer as that day's (rows and `meta` dated the day asked, `as_of` the end of
that day): a rehearsal can then fetch "yesterday" from recordings of other days.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlencode

from simulation.rehearsal.base import LocalServer, Reply

MODELS_PATH = "/api/v1/models"
RANKINGS_PATH = "/api/v1/datasets/rankings-daily"
UNAUTHORIZED = b'{"error": {"code": 401, "message": "No auth credentials found"}}'


class OpenRouterServer(LocalServer):
    def __init__(
        self,
        models: list[dict[str, Any]],
        page_size: int = 200,
        rankings: Mapping[dt.date, dict[str, Any]] | None = None,
        api_key: str | None = None,
        *,
        redate: bool = False,
        port: int = 0,
    ) -> None:
        super().__init__(port)
        self.models = models
        self.page_size = page_size
        self.rankings = dict(rankings or {})
        self.api_key = api_key  # None: every rankings request is refused, as without a key
        self.redate = redate

    @property
    def base_url(self) -> str:
        """What `OPENROUTER_BASE_URL` is set to."""
        return f"{self.address}/api/v1"

    def is_api(self, path: str) -> bool:
        return path in (MODELS_PATH, RANKINGS_PATH)

    def rankings_answer(self, start: dt.date, end: dt.date) -> dict[str, Any]:
        """One day's answer as given; a range (or a day not given) assembled from the days."""
        if start == end and start in self.rankings:
            return self.rankings[start]
        if start == end and self.redate and self.rankings:
            return redated(self.rankings[max(self.rankings)], start)
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

    def answer(self, path: str, query: str, headers: Mapping[str, str]) -> Reply:
        if path == RANKINGS_PATH:
            return self._rankings(parse_qs(query), headers.get("Authorization"))
        if path == MODELS_PATH:
            return self._models(parse_qs(query))
        return Reply(404, b'{"error": {"message": "Not Found"}}')

    def _rankings(self, query: dict[str, list[str]], authorization: str | None) -> Reply:
        if self.api_key is None or authorization != f"Bearer {self.api_key}":
            return Reply(401, UNAUTHORIZED)
        try:
            start = dt.date.fromisoformat(query["start_date"][0])
            end = dt.date.fromisoformat(query["end_date"][0])
        except (KeyError, ValueError):
            return _bad_request("start_date and end_date are required, as YYYY-MM-DD")
        if start > end:
            return _bad_request("start_date is after end_date")
        return Reply(200, json.dumps(self.rankings_answer(start, end)).encode())

    def _models(self, query: dict[str, list[str]]) -> Reply:
        offset = int(query.get("offset", ["0"])[0])
        page = self.models[offset : offset + self.page_size]
        links: dict[str, str | None] = {"next": None}
        if offset + self.page_size < len(self.models):
            next_query = {k: v for k, v in query.items() if k != "offset"}
            next_query["offset"] = [str(offset + self.page_size)]
            links["next"] = f"{MODELS_PATH}?{urlencode(next_query, doseq=True)}"
        body = {"data": page, "total_count": len(self.models), "links": links}
        return Reply(200, json.dumps(body).encode())


def redated(answer: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """A one-day rankings answer as if it were `day`'s."""
    return {
        "data": [{**row, "date": day.isoformat()} for row in answer["data"]],
        "meta": {
            **answer["meta"],
            "as_of": f"{day + dt.timedelta(days=1)}T00:00:00Z",
            "start_date": day.isoformat(),
            "end_date": day.isoformat(),
        },
    }


def _bad_request(message: str) -> Reply:
    return Reply(400, json.dumps({"error": {"message": message}}).encode())
