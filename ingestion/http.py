"""One GET from a source's API, retried: shared by the Hub and OpenRouter clients.

What is retried: 429 and 5xx answers, and transport errors (a timeout, a refused connection, a
connection reset in the middle of a body). How long the client waits before the next attempt:

- what the server asked, exactly, when it said (`server_wait`): `Retry-After` (seconds, or an
  HTTP date), or a `RateLimit` header with no request left (`"api";r=0;t=55` as the Hub sends
  it, or the older `limit=500, remaining=0, reset=55`, or `RateLimit-Reset: 55`). Waiting less
  would only be refused again; waiting more is time the run loses. (huggingface_hub's own
  backoff waits one second more than the server asks, and falls back to its exponential
  backoff on `reset=` and on dates: see docs/notes/issue-11-rehearsal.md.)
- when the server asks for more than `RetryPolicy.max_wait`, the client does not wait: it fails
  at once, saying what was asked (a run that stalls for an hour helps nobody; the next run
  fetches the day);
- otherwise exponential backoff: 1, 2, 4, then 8 seconds.

Every wait goes through `RetryPolicy.sleep`, so a test can record the waits instead of waiting.
After the last attempt the client raises `FetchError`: a transient fault, not bad input, so
nothing is quarantined and Dagster's retry policy runs the step again later. Any other 4xx is a
`ClientError` (an InputError carrying the status), not retried, and so is an answer that is not
JSON (an HTML error page, a truncated body): both name the URL.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from ingestion.errors import FetchError, InputError

TIMEOUT_SECONDS = 30.0
MAX_ATTEMPTS = 4


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts, how long to back off when the server says nothing, the longest wait
    a server may ask for, and how to wait (`time.sleep`; a test passes a recorder)."""

    attempts: int = MAX_ATTEMPTS
    first_backoff: float = 1.0
    max_backoff: float = 8.0
    max_wait: float = 60.0
    sleep: Callable[[float], None] = time.sleep

    def backoff(self, attempt: int) -> float:
        """The wait after failed attempt number `attempt` (1-based) when the server said none."""
        return min(self.max_backoff, self.first_backoff * 2 ** (attempt - 1))


class Retryable(Exception):
    """A 429, a 5xx or a transport error: worth another attempt, after `wait` if the server
    said how long."""

    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


class ClientError(InputError):
    """A 4xx other than 429: the request itself is refused, and asking again will not help."""

    def __init__(self, source: str, location: str, status: int) -> None:
        super().__init__(source, location, None, f"HTTP {status}")
        self.status = status


def get(http: httpx.Client, url: str, *, source: str, retry: RetryPolicy) -> httpx.Response:
    """The answer to `GET url`, retried as the module says; errors name `source` and `url`."""
    for attempt in range(1, retry.attempts + 1):
        try:
            return _attempt(http, url, source)
        except Retryable as fault:
            if attempt == retry.attempts:
                raise FetchError(
                    source, url, f"failed after {retry.attempts} attempts: {fault}"
                ) from fault
            wait = retry.backoff(attempt) if fault.wait is None else fault.wait
            if wait > retry.max_wait:
                raise FetchError(
                    source,
                    url,
                    f"{fault}; the server asks to wait {wait:g} s before asking again, more "
                    f"than the {retry.max_wait:g} s this client waits: fetch again later",
                ) from fault
            retry.sleep(wait)
    raise AssertionError("unreachable: the last attempt returns or raises")


def get_json(
    http: httpx.Client, url: str, *, source: str, retry: RetryPolicy
) -> tuple[Any, httpx.Response]:
    """The JSON body of `GET url` and the answer it came in (for its headers)."""
    response = get(http, url, source=source, retry=retry)
    try:
        return response.json(), response
    except ValueError as exc:  # json.JSONDecodeError and UnicodeDecodeError
        kind = response.headers.get("content-type", "unknown content type")
        raise InputError(source, url, None, f"the answer is not JSON ({kind}): {exc}") from exc


def _attempt(http: httpx.Client, url: str, source: str) -> httpx.Response:
    try:
        # The body is read here, inside the retry: a connection reset mid-body is retried.
        response = http.get(url)
    except httpx.TransportError as exc:
        raise Retryable(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise Retryable(f"HTTP {response.status_code}", server_wait(response.headers))
    if response.status_code >= 400:
        raise ClientError(source, url, response.status_code)
    return response


def server_wait(headers: Mapping[str, str]) -> float | None:
    """How long the server asked the client to wait, in seconds; None when it did not say.
    When it says it twice (`Retry-After` and `RateLimit`), the longer: both must have passed."""
    stated = [
        wait
        for wait in (
            retry_after_seconds(headers.get("retry-after"), headers.get("date")),
            ratelimit_reset_seconds(headers),
        )
        if wait is not None
    ]
    return max(stated) if stated else None


def retry_after_seconds(value: str | None, server_date: str | None = None) -> float | None:
    """`Retry-After: 3` -> 3.0; `Retry-After: <HTTP date>` -> the seconds from the answer's
    own `Date` (the server's clock, so a skewed local clock does not matter; the local clock
    when there is none) to that date, at least 0. Nonsense -> None."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return _seconds_until(value, server_date)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _seconds_until(value: str, server_date: str | None) -> float | None:
    try:
        until = email.utils.parsedate_to_datetime(value)
        now = (
            email.utils.parsedate_to_datetime(server_date)
            if server_date
            else dt.datetime.now(dt.UTC)
        )
    except (TypeError, ValueError):
        return None
    if until.tzinfo is None or now.tzinfo is None:
        return None
    return max(0.0, (until - now).total_seconds())


# `RateLimit: "api";r=0;t=55` (IETF draft 9 and later; the Hub's form) and
# `RateLimit: limit=500, remaining=0, reset=55` (drafts 7 and 8).
_REMAINING = re.compile(r"(?:^|[;,\s])(?:r|remaining)\s*=\s*(\d+)", re.IGNORECASE)
_RESET = re.compile(r"(?:^|[;,\s])(?:t|reset)\s*=\s*(\d+(?:\.\d+)?)", re.IGNORECASE)


def ratelimit_reset_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds until the rate-limit window resets, when no request is left in it. A reset
    with requests remaining is no reason to wait: None."""
    value = headers.get("ratelimit")
    if value is not None:
        remaining, reset = _REMAINING.search(value), _RESET.search(value)
    else:  # drafts 3 to 6: one header per field
        remaining = _number(headers.get("ratelimit-remaining"))
        reset = _number(headers.get("ratelimit-reset"))
    if reset is None or (remaining is not None and int(remaining.group(1)) > 0):
        return None
    return float(reset.group(1))


def _number(value: str | None) -> re.Match[str] | None:
    return re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*", value) if value is not None else None
