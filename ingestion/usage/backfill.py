"""OpenRouter's `rankings-daily` history in as few requests as the API allows: a range of days
per request (at most `MAX_DAYS_PER_CALL`, 366), split into one file per day in the recorded
layout (`YYYY-MM-DD.json`, the API's shape with its `meta`), so the run reads them as recorded
answers. History starts on 2025-01-01. Days already in the folder are not asked for again; a day
the answer has no rows for stays a gap. The key goes in the `Authorization` header only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

from ingestion.atomic import replacing
from ingestion.errors import InputError
from ingestion.http import TIMEOUT_SECONDS, RetryPolicy, get_json
from ingestion.usage.schema import RANKINGS_SOURCE

FIRST_DAY = dt.date(2025, 1, 1)
MAX_DAYS_PER_CALL = 366


def missing_ranges(
    start: dt.date, end: dt.date, folder: Path, limit: int = MAX_DAYS_PER_CALL
) -> list[tuple[dt.date, dt.date]]:
    """The runs of consecutive days without a file, each cut to at most `limit` days."""
    ranges: list[tuple[dt.date, dt.date]] = []
    day = max(start, FIRST_DAY)
    while day <= end:
        if (folder / f"{day}.json").exists():
            day += dt.timedelta(days=1)
            continue
        first = day
        while day <= end and not (folder / f"{day}.json").exists() and (day - first).days < limit:
            day += dt.timedelta(days=1)
        ranges.append((first, day - dt.timedelta(days=1)))
    return ranges


def backfill_rankings(
    base_url: str,
    api_key: str,
    start: dt.date,
    end: dt.date,
    folder: Path,
    *,
    retry: RetryPolicy | None = None,
) -> tuple[int, list[dt.date]]:
    """(requests made, days written) for the days of `start..end` the folder lacks."""
    requests, written = 0, []
    headers = {"Accept": "application/json", "Authorization": f"Bearer {api_key}"}
    with httpx.Client(timeout=TIMEOUT_SECONDS, headers=headers) as http:
        for first, last in missing_ranges(start, end, folder):
            url = (
                f"{base_url.rstrip('/')}/datasets/rankings-daily"
                f"?start_date={first.isoformat()}&end_date={last.isoformat()}"
            )
            payload, _ = get_json(http, url, source=RANKINGS_SOURCE, retry=retry or RetryPolicy())
            requests += 1
            for day, answer in split_by_day(payload, url, first, last).items():
                with replacing(folder / f"{day}.json") as tmp:
                    tmp.write_text(json.dumps(answer), encoding="utf-8")
                written.append(day)
    return requests, written


def split_by_day(
    payload: Any, url: str, first: dt.date, last: dt.date
) -> dict[dt.date, dict[str, Any]]:
    """A range's answer as the one-day answers it holds (rows in their order, the range's `meta`
    dated the day, the range asked kept under `meta.requested`)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise InputError(RANKINGS_SOURCE, url, "data", "missing or not a list")
    meta = payload.get("meta")
    if not isinstance(meta, dict):
        raise InputError(RANKINGS_SOURCE, url, "meta", "missing or not an object")
    rows: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    for i, row in enumerate(payload["data"]):
        try:
            day = dt.date.fromisoformat(row["date"])
        except (TypeError, KeyError, ValueError) as exc:
            raise InputError(RANKINGS_SOURCE, url, f"data[{i}].date", f"not a date: {exc}") from exc
        if not first <= day <= last:
            raise InputError(RANKINGS_SOURCE, url, f"data[{i}].date", f"{day} outside the range")
        rows[day].append(row)
    requested = {"start_date": first.isoformat(), "end_date": last.isoformat()}
    return {
        day: {
            "data": day_rows,
            "meta": {
                **meta,
                "start_date": day.isoformat(),
                "end_date": day.isoformat(),
                "requested": requested,
            },
        }
        for day, day_rows in sorted(rows.items())
    }
