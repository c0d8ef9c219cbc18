"""One GET of a JSON answer from OpenRouter, with retries: shared by the `/models` client and the
`rankings-daily` client.

429 and 5xx answers and connection errors are retried (`MAX_ATTEMPTS` attempts). Between attempts
the client waits what a `Retry-After` header asks (in seconds, capped at `RETRY_AFTER_CAP`), else
backs off exponentially; the wait is a tenacity strategy passed in, so tests can make it zero.
Any other 4xx is a `ClientError` (an InputError carrying the status) that is not retried, and so
is an answer that is not JSON (an HTML error page, a truncated body): both name the URL.
"""

from __future__ import annotations

import math
from typing import Any

import httpx
import tenacity

from ingestion.errors import InputError

TIMEOUT_SECONDS = 30.0
MAX_ATTEMPTS = 4
# OpenRouter's Data API allows 30 requests a minute: a `Retry-After` of a minute would hold a run
# for four minutes over four attempts. A few seconds lets a short burst pass; a longer block
# fails the day (it is fetched again on the next run) instead of stalling the whole run.
RETRY_AFTER_CAP = 5.0


class Retryable(Exception):
    """A 429, a 5xx or a transport error: worth another attempt."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ClientError(InputError):
    """A 4xx other than 429: the request itself is refused, and asking again will not help."""

    def __init__(self, source: str, location: str, status: int) -> None:
        super().__init__(source, location, None, f"HTTP {status}")
        self.status = status


class RetryAfterWait(tenacity.wait.wait_base):
    """Waits what the last answer's `Retry-After` asked (capped), else what `fallback` says."""

    def __init__(self, fallback: tenacity.wait.wait_base, cap: float = RETRY_AFTER_CAP) -> None:
        self.fallback = fallback
        self.cap = cap

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None and outcome.failed else None
        if isinstance(error, Retryable) and error.retry_after is not None:
            return min(error.retry_after, self.cap)
        return self.fallback(retry_state)

    def __repr__(self) -> str:
        return f"RetryAfterWait({self.fallback!r}, cap={self.cap})"


def default_wait() -> tenacity.wait.wait_base:
    return RetryAfterWait(tenacity.wait_exponential(multiplier=1, min=1, max=8))


def retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After: 3` -> 3.0. The HTTP-date form and nonsense are ignored (None): the
    exponential backoff applies then."""
    try:
        seconds = float(value) if value is not None else math.nan
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def get_json(
    http: httpx.Client,
    url: str,
    *,
    source: str,
    wait: tenacity.wait.wait_base,
    max_attempts: int = MAX_ATTEMPTS,
) -> Any:
    """The JSON body of `GET url`, retried as the module says; errors name `source` and `url`."""
    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception_type(Retryable),
        stop=tenacity.stop_after_attempt(max_attempts),
        wait=wait,
        reraise=True,
    )
    try:
        response = retrying(_attempt, http, url, source)
    except Retryable as exc:
        raise InputError(source, url, None, f"failed after {max_attempts} attempts: {exc}") from exc
    try:
        return response.json()
    except ValueError as exc:  # json.JSONDecodeError and UnicodeDecodeError
        kind = response.headers.get("content-type", "unknown content type")
        raise InputError(source, url, None, f"the answer is not JSON ({kind}): {exc}") from exc


def _attempt(http: httpx.Client, url: str, source: str) -> httpx.Response:
    try:
        response = http.get(url)
    except httpx.TransportError as exc:
        raise Retryable(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise Retryable(
            f"HTTP {response.status_code}", retry_after_seconds(response.headers.get("retry-after"))
        )
    if response.status_code >= 400:
        raise ClientError(source, url, response.status_code)
    return response
