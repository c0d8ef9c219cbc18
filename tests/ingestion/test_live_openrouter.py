"""The live OpenRouter client against a local server that answers like OpenRouter."""

from __future__ import annotations

import datetime as dt

import pytest

from ingestion.errors import FetchError, InputError
from ingestion.http import RetryPolicy
from ingestion.live import LiveSource
from ingestion.prices.live import MAX_ATTEMPTS, LiveOpenRouterClient
from ingestion.prices.schema import OPENROUTER_MODELS_SCHEMA
from simulation.rehearsal.base import Fault

DAY = dt.date(2026, 8, 19)


def client(server, waits: list[float] | None = None) -> LiveOpenRouterClient:
    """The client, its waits recorded in `waits` instead of slept."""
    sleep = (waits if waits is not None else []).append
    return LiveOpenRouterClient(server.base_url, timeout=5, retry=RetryPolicy(sleep=sleep))


PAGE = 25


def test_follows_links_next_across_pages(fake_openrouter, openrouter_models):
    fake_openrouter.page_size = PAGE
    snapshot = client(fake_openrouter).snapshot(DAY)

    assert snapshot.frame.schema == OPENROUTER_MODELS_SCHEMA
    assert snapshot.frame["openrouter_id"].to_list() == [m["id"] for m in openrouter_models]
    # Pages of 25: the later requests go to the relative `next` link.
    pages = -(-len(openrouter_models) // PAGE)
    assert snapshot.pages == pages > 1
    assert fake_openrouter.requests == [
        "/api/v1/models?output_modalities=all",
        *(f"/api/v1/models?output_modalities=all&offset={PAGE * n}" for n in range(1, pages)),
    ]


def test_retries_a_rate_limit_and_a_server_error(fake_openrouter, openrouter_models):
    fake_openrouter.page_size = PAGE
    fake_openrouter.fail_next(Fault(429, b'{"error": "rate limited"}'), Fault(502, b"bad gateway"))
    snapshot = client(fake_openrouter).snapshot(DAY)

    assert snapshot.frame.height == len(openrouter_models)
    assert len(fake_openrouter.requests) == 2 + -(-len(openrouter_models) // PAGE)


@pytest.mark.reliability
def test_gives_up_after_the_last_attempt_and_names_the_url(fake_openrouter):
    fake_openrouter.fail_next(*[Fault(503, b"unavailable")] * MAX_ATTEMPTS)
    waits: list[float] = []

    # A transient fault, not bad input: Dagster retries the step, nothing is quarantined.
    with pytest.raises(FetchError, match="HTTP 503") as error:
        client(fake_openrouter, waits).snapshot(DAY)

    assert error.value.source == "openrouter"
    assert error.value.location.endswith("/api/v1/models?output_modalities=all")
    assert len(fake_openrouter.requests) == MAX_ATTEMPTS
    assert waits == [1, 2, 4]  # the server said nothing: exponential backoff


def test_an_html_error_page_is_a_clear_error_not_retried(fake_openrouter):
    page = b"<html><body><h1>Cloudflare: 1020 Access denied</h1></body></html>"
    fake_openrouter.fail_next(Fault(200, page, content_type="text/html"))

    with pytest.raises(InputError, match=r"not JSON \(text/html\)") as error:
        client(fake_openrouter).snapshot(DAY)

    assert error.value.source == "openrouter"
    assert len(fake_openrouter.requests) == 1


def test_a_truncated_body_is_a_clear_error(fake_openrouter):
    fake_openrouter.fail_next(Fault(200, b'{"data": [{"id": "openai/gpt-5", "pricing": {"pro'))

    with pytest.raises(InputError, match="not JSON"):
        client(fake_openrouter).snapshot(DAY)


def test_a_4xx_other_than_429_is_not_retried(fake_openrouter):
    fake_openrouter.fail_next(Fault(404, b'{"error": "not found"}'))

    with pytest.raises(InputError, match="HTTP 404"):
        client(fake_openrouter).snapshot(DAY)

    assert len(fake_openrouter.requests) == 1


def test_the_live_source_refuses_past_days(fake_openrouter, openrouter_models):
    source = LiveSource(client(fake_openrouter), today=lambda: DAY)

    assert source.fetch(DAY - dt.timedelta(days=1)).frame.height == len(openrouter_models)
    with pytest.raises(InputError, match="keeps no history"):
        source.fetch(DAY - dt.timedelta(days=30))
