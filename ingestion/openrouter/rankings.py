"""OpenRouter's daily usage rankings (`rankings-daily`): the parse, and the recorded and live sources.

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

Recorded: a folder of `YYYY-MM-DD.json` answers; a day without a file is a gap. Live:
`GET {base_url}/datasets/rankings-daily?start_date=D&end_date=D` with `Authorization: Bearer
<OPENROUTER_API_KEY>`; a day is complete (and fetched) only once it has ended in UTC.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import polars as pl
import tenacity

from ingestion.errors import InputError, UnavailableError
from ingestion.openrouter.http import TIMEOUT_SECONDS, ClientError, default_wait, get_json
from ingestion.recorded import DatedFolder, RecordedSource, read_json
from ingestion.snapshots import Snapshot

RANKINGS_SOURCE = "openrouter_rankings"
OTHER = "other"
TOKENS_DTYPE = pl.Decimal(38, 0)
TOKENS_MAX_DIGITS = 38  # what Decimal(38, 0) holds
RANKINGS_SCHEMA = pl.Schema(
    {
        "usage_date": pl.Date,
        "rank": pl.Int32,
        "model_permaslug": pl.String,
        "is_other": pl.Boolean,
        "total_tokens_text": pl.String,
        "total_tokens": TOKENS_DTYPE,
        "as_of": pl.Datetime("us", "UTC"),
        "meta_start_date": pl.Date,
        "meta_end_date": pl.Date,
        "meta_version": pl.String,
    }
)
# ASCII digits only: `\d` would also take other scripts' digits, which `Decimal` reads too.
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
    return parsed.astimezone(dt.UTC)


# --- recorded ----------------------------------------------------------------------------------


# Other files beside the answers (PROVENANCE.csv) are not read.
RANKINGS_FILE_NAMES = ("{day}.json",)


def rankings_folder(directory: Path) -> DatedFolder:
    return DatedFolder(directory, RANKINGS_SOURCE, RANKINGS_FILE_NAMES)


def recorded_rankings_source(directory: Path) -> RecordedSource:
    return RecordedSource(rankings_folder(directory), read_rankings_file)


def read_rankings_file(path: Path, day: dt.date) -> Snapshot:
    payload = read_json(path, RANKINGS_SOURCE)
    return Snapshot(day, rankings_frame(payload, location=str(path)), str(path))


# --- live --------------------------------------------------------------------------------------

KEY_VARIABLE = "OPENROUTER_API_KEY"
# What an HTTP header can carry. A key read from a file with its newline, or pasted with a
# non-ASCII character, makes httpx raise an error that quotes the header, key included.
_USABLE_KEY = re.compile(r"[\x21-\x7e]+")


@dataclass(frozen=True)
class LiveRankingsClient:
    """`rankings-daily` for one day per request. The key never enters a message or a repr."""

    base_url: str
    api_key: str = field(repr=False)
    timeout: float = TIMEOUT_SECONDS
    wait: tenacity.wait.wait_base = field(default_factory=default_wait)

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
                payload = get_json(http, url, source=RANKINGS_SOURCE, wait=self.wait)
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


def _utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@dataclass(frozen=True)
class LiveRankingsSource:
    client: LiveRankingsClient
    today: Callable[[], dt.date] = field(default=_utc_today)

    def fetch(self, day: dt.date) -> Snapshot | None:
        """None for today and later: the day is not over in UTC, its figures are not final (a
        gap for now, fetched on a later run), not an error."""
        if day >= self.today():
            return None
        return self.client.snapshot(day)
