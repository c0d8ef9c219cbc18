"""How long the clients wait between attempts: what the server says, in each form it says it,
and a backoff when it says nothing (`ingestion.http`)."""

from __future__ import annotations

import httpx
import pytest

from ingestion.http import RetryPolicy, retry_after_seconds, server_wait

SENT = "Thu, 21 May 2026 12:00:00 GMT"


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"Retry-After": "3"}, 3.0),
        ({"Retry-After": "0"}, 0.0),
        ({"Retry-After": "Thu, 21 May 2026 12:00:07 GMT", "Date": SENT}, 7.0),
        ({"Retry-After": "Thu, 21 May 2026 11:59:00 GMT", "Date": SENT}, 0.0),  # already past
        ({"RateLimit": '"api";r=0;t=55'}, 55.0),  # the Hub, IETF draft 9 and later
        ({"RateLimit": "limit=500, remaining=0, reset=12"}, 12.0),  # drafts 7 and 8
        ({"RateLimit-Remaining": "0", "RateLimit-Reset": "9"}, 9.0),  # drafts 3 to 6
        ({"RateLimit": '"api";r=0;t=5', "Retry-After": "8"}, 8.0),  # both: the longer
        ({"RateLimit": '"api";r=0;t=30', "Retry-After": "8"}, 30.0),
        ({"RateLimit": '"api";r=42;t=55'}, None),  # requests left: no reason to wait
        ({"RateLimit": "limit=500, remaining=3, reset=12"}, None),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "-1"}, None),
        ({"Retry-After": "nan"}, None),
        ({}, None),
    ],
)
def test_the_wait_the_server_asked_for(headers, wait):
    assert server_wait(httpx.Headers(headers)) == wait


def test_a_dated_retry_after_without_a_date_header_counts_from_the_local_clock():
    assert retry_after_seconds("Thu, 01 Jan 2015 00:00:00 GMT") == 0.0
    assert retry_after_seconds("Fri, 01 Jan 2100 00:00:00 GMT") > 10**9


def test_the_backoff_when_the_server_says_nothing_doubles_up_to_its_cap():
    policy = RetryPolicy(first_backoff=1, max_backoff=8)

    assert [policy.backoff(attempt) for attempt in range(1, 7)] == [1, 2, 4, 8, 8, 8]
