"""OpenRouter's daily usage rankings (`rankings-daily`): an answer parsed into rows.

An answer for one UTC day is `{"data": [{date, model_permaslug, total_tokens}], "meta": {as_of,
start_date, end_date, version}}`: the top 50 models by tokens, sorted by tokens (ties by
permaslug), then one `model_permaslug: "other"` row summing every other model. As stored:

- `rank` is the 1-based position among the ranked rows, in the answer's order; `other` has none
  (`is_other` flags it);
- `total_tokens` is a decimal string. It is kept verbatim (`total_tokens_text`) next to its exact
  parse (`Decimal(38, 0)`, never through a float: a day's `other` row already needs 13 digits);
  anything but digits (`"12.5"`, `"-3"`, `"1e9"`) is an InputError naming the field;
- `meta` is repeated on every row: OpenRouter restates figures as it refreshes, so a row must
  say which answer (`as_of`) it comes from, and `as_of` is what a chart must cite.

Recorded (`ingestion.usage.recorded`): a folder of `YYYY-MM-DD.json` answers; a day without a
file is a gap. Live: `ingestion.usage.live`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import polars as pl

from ingestion.errors import InputError
from ingestion.usage.schema import (
    OTHER,
    RANKINGS_SCHEMA,
    RANKINGS_SOURCE,
    TOKENS_MAX_DIGITS,
)

_TOKENS = re.compile(r"[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# --- the parse ---------------------------------------------------------------------------------


def rankings_frame(payload: Any, *, location: str) -> pl.DataFrame:
    """A `rankings-daily` answer as rows of RANKINGS_SCHEMA, in the answer's order. An empty
    `data` list is an empty frame: the quality suite refuses it, not the parse."""
    if not isinstance(payload, dict):
        raise InputError(
            RANKINGS_SOURCE, location, None, f"expected a JSON object, got {type(payload).__name__}"
        )
    data, meta = payload.get("data"), payload.get("meta")
    if not isinstance(data, list):
        raise InputError(RANKINGS_SOURCE, location, "data", "missing or not a list")
    if not isinstance(meta, dict):
        raise InputError(RANKINGS_SOURCE, location, "meta", "missing or not an object")
    shared = {
        "as_of": _timestamp(meta.get("as_of"), location, "meta.as_of"),
        "meta_start_date": _date(meta.get("start_date"), location, "meta.start_date"),
        "meta_end_date": _date(meta.get("end_date"), location, "meta.end_date"),
        "meta_version": _text(meta.get("version"), location, "meta.version"),
    }
    rows, rank = [], 0
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise InputError(RANKINGS_SOURCE, location, f"data[{i}]", "not an object")
        slug = _text(item.get("model_permaslug"), location, f"data[{i}].model_permaslug")
        text = item.get("total_tokens")
        is_other = slug == OTHER
        rank += 0 if is_other else 1
        rows.append(
            {
                "usage_date": _date(item.get("date"), location, f"data[{i}].date"),
                "rank": None if is_other else rank,
                "model_permaslug": slug,
                "is_other": is_other,
                "total_tokens_text": text,
                "total_tokens": parse_tokens(
                    text, location=location, field=f"data[{i}].total_tokens"
                ),
                **shared,
            }
        )
    return pl.DataFrame(rows, schema=RANKINGS_SCHEMA)


def parse_tokens(text: Any, *, location: str, field: str) -> Decimal:
    """A token count string, exactly: ASCII digits only, at most 38 of them."""
    if not isinstance(text, str) or not _TOKENS.fullmatch(text):
        raise InputError(
            RANKINGS_SOURCE, location, field, f"not a non-negative integer string: {text!r}"
        )
    if len(text) > TOKENS_MAX_DIGITS:
        raise InputError(
            RANKINGS_SOURCE, location, field, f"{len(text)} digits, more than Decimal(38, 0) holds"
        )
    return Decimal(text)


def require_day(frame: pl.DataFrame, day: dt.date, *, location: str) -> None:
    """An answer to a request for `day` holds that day only: its meta and every row."""
    for name in ("meta_start_date", "meta_end_date"):
        other = frame.filter(pl.col(name) != day)[name]
        if other.len():
            raise InputError(
                RANKINGS_SOURCE, location, f"meta.{name[5:]}", f"{other[0]}, asked for {day}"
            )
    dates = frame["usage_date"].to_list()
    for i, date in enumerate(dates):
        if date != day:
            raise InputError(
                RANKINGS_SOURCE, location, f"data[{i}].date", f"{date}, asked for {day}"
            )


def _text(value: Any, location: str, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise InputError(RANKINGS_SOURCE, location, field, f"not a non-empty string: {value!r}")
    return value


def _date(value: Any, location: str, field: str) -> dt.date:
    # `date.fromisoformat` also reads `20260731`: only the documented `YYYY-MM-DD` is taken.
    try:
        if isinstance(value, str) and _DATE.fullmatch(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise InputError(RANKINGS_SOURCE, location, field, f"not a YYYY-MM-DD date: {value!r}")


def _timestamp(value: Any, location: str, field: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise InputError(RANKINGS_SOURCE, location, field, f"not an ISO timestamp: {value!r}")
    if parsed.tzinfo is None:  # OpenRouter writes `Z`; without an offset the instant is unknown
        raise InputError(RANKINGS_SOURCE, location, field, f"no UTC offset: {value!r}")
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError as exc:  # 0001-01-01T00:00+01:00 is before the first UTC instant
        raise InputError(RANKINGS_SOURCE, location, field, f"out of range: {value!r}") from exc
