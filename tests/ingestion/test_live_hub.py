"""The live Hub client against a local server that answers like the Hub: pages, the expand
whitelist, and the faults of the real network (rate limits, 5xx, a reset mid-page), with the
waits the client performed recorded instead of slept."""

from __future__ import annotations

import datetime as dt
import email.utils

import pytest

from ingestion.errors import FetchError, InputError
from ingestion.http import RetryPolicy
from ingestion.hub.live import LiveHubClient
from ingestion.hub.schema import HUB_SNAPSHOT_SCHEMA
from ingestion.live import LiveSource
from simulation.rehearsal.base import Fault, FaultRule

DAY = dt.date(2026, 5, 21)


def client(server, orgs, waits: list[float] | None = None, **policy) -> LiveHubClient:
    """The client, its waits appended to `waits` instead of slept."""
    sleep = (waits if waits is not None else []).append
    return LiveHubClient(server.url, tuple(orgs), retry=RetryPolicy(sleep=sleep, **policy))


def largest_org(server) -> tuple[str, int]:
    counts: dict[str, int] = {}
    for model in server.models:
        counts[model["author"]] = counts.get(model["author"], 0) + 1
    return max(counts.items(), key=lambda item: item[1])


def test_lists_every_org_across_pages_with_the_expand_whitelist(fake_hub):
    fake_hub.page_size = 25
    orgs = ("Qwen", "deepseek-ai")
    served = {m["id"]: m for m in fake_hub.models if m["author"] in orgs}
    snapshot = client(fake_hub, orgs).snapshot(DAY)

    assert set(snapshot.frame["id"]) == set(served)
    assert snapshot.frame.schema == HUB_SNAPSHOT_SCHEMA
    pages = sum(-(-sum(m["author"] == org for m in served.values()) // 25) for org in orgs)
    assert len(fake_hub.model_requests()) == pages == snapshot.pages > len(orgs)
    assert all("expand=downloadsAllTime" in r for r in fake_hub.model_requests())
    assert all("expand=childrenModelCount" in r for r in fake_hub.model_requests())
    for row in snapshot.frame.iter_rows(named=True):
        model = served[row["id"]]
        assert row["downloadsAllTime"] == model["downloadsAllTime"]
        assert row["childrenModelCount"] == model["childrenModelCount"]
        created = dt.datetime.fromisoformat(model["createdAt"].replace("Z", "+00:00"))
        assert row["createdAt"] == created
    assert snapshot.frame["childrenModelCount"].max() > 0


@pytest.mark.reliability
def test_waits_exactly_what_the_server_asks_in_each_form_it_asks(fake_hub):
    """429s saying `RateLimit` as the Hub does (`t=`), as older drafts do (`reset=`),
    `Retry-After` in seconds and as a date, then a 500 that says nothing (backoff)."""
    sent = dt.datetime(2026, 5, 21, 12, 0, 0, tzinfo=dt.UTC)
    dated = {
        "Retry-After": email.utils.format_datetime(sent + dt.timedelta(seconds=5), usegmt=True),
        "Date": email.utils.format_datetime(sent, usegmt=True),
    }
    fake_hub.fail_next(
        Fault.rate_limited(3, style="ratelimit"),
        Fault.rate_limited(2, style="reset"),
        Fault.rate_limited(4, style="retry-after"),
        Fault(503, b"{}", dated),
        Fault(429, b"{}", {"RateLimit": '"api";r=12;t=40'}),
        Fault.server_error(500),
    )
    waits: list[float] = []

    snapshot = client(fake_hub, ("moonshotai",), waits, attempts=7).snapshot(DAY)

    # The last two: the server said nothing (requests were left), so exponential backoff.
    assert waits == [3, 2, 4, 5, 8, 8]
    assert snapshot.frame.height == sum(m["author"] == "moonshotai" for m in fake_hub.models)
    assert len(fake_hub.model_requests()) == 7


@pytest.mark.reliability
def test_a_reset_in_the_middle_of_a_page_is_retried_and_the_snapshot_is_whole(fake_hub):
    org, count = largest_org(fake_hub)
    fake_hub.page_size = count // 2 + 1  # two pages
    clean = client(fake_hub, (org,)).snapshot(DAY)
    fake_hub.reset()
    fake_hub.follow([FaultRule(Fault.reset_mid_body(100), match="cursor=")])
    waits: list[float] = []

    retried = client(fake_hub, (org,), waits).snapshot(DAY)

    assert retried.frame.equals(clean.frame)
    first, second, third = fake_hub.model_requests()
    assert "cursor=" not in first
    assert "cursor=" in second and second == third  # the cut page, asked again
    assert [seen.fault is not None for seen in fake_hub.seen] == [False, True, False]
    assert waits == [1]


@pytest.mark.reliability
def test_a_reset_that_persists_fails_naming_the_page_and_returns_nothing(fake_hub):
    org, count = largest_org(fake_hub)
    fake_hub.page_size = count // 2 + 1
    fake_hub.follow([FaultRule(Fault.reset_mid_body(100), match="cursor=", times=100)])
    waits: list[float] = []

    with pytest.raises(FetchError) as error:
        client(fake_hub, (org,), waits).snapshot(DAY)

    assert error.value.source == "hub"
    assert "cursor=" in error.value.location and f"author={org}" in error.value.location
    assert "failed after 4 attempts" in error.value.message
    assert "RemoteProtocolError" in error.value.message or "ReadError" in error.value.message
    assert waits == [1, 2, 4]
    assert not isinstance(error.value, InputError)  # not bad input: nothing is quarantined


@pytest.mark.reliability
def test_a_wait_longer_than_the_rate_limit_window_is_not_waited(fake_hub):
    fake_hub.fail_next(Fault.rate_limited(3600, style="ratelimit"))
    waits: list[float] = []

    with pytest.raises(FetchError, match="asks to wait 3600 s"):
        client(fake_hub, ("Qwen",), waits, max_wait=300).snapshot(DAY)

    assert waits == []
    assert len(fake_hub.model_requests()) == 1


def test_an_html_error_page_names_the_source_and_url(fake_hub):
    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    fake_hub.fail_next(Fault(200, page, content_type="text/html"))

    with pytest.raises(InputError) as error:
        client(fake_hub, ("Qwen",)).snapshot(DAY)

    assert error.value.source == "hub"
    assert "/api/models?author=Qwen" in error.value.location
    assert "not JSON (text/html)" in error.value.message


def test_a_missing_org_is_an_error_not_an_empty_day(fake_hub):
    fake_hub.fail_next(Fault(404, b'{"error": "not found"}'))

    with pytest.raises(InputError, match="HTTP 404"):
        client(fake_hub, ("no-such-org",)).snapshot(DAY)
    assert len(fake_hub.model_requests()) == 1  # a 404 is not retried


def test_the_token_reaches_the_server_and_no_repr_shows_it(fake_hub):
    token = "hf_rehearsal_0123456789abcdef"
    hub = LiveHubClient(fake_hub.url, ("Qwen",), token=token)
    hub.snapshot(DAY)

    assert fake_hub.authorizations == [f"Bearer {token}"]
    assert token not in repr(hub)


def test_live_source_refuses_days_the_hub_cannot_answer_for(fake_hub):
    source = LiveSource(client(fake_hub, ("Qwen",)), today=lambda: DAY)

    with pytest.raises(InputError, match="keeps no history"):
        source.fetch(DAY - dt.timedelta(days=3))
    assert fake_hub.model_requests() == []
    assert source.fetch(DAY - dt.timedelta(days=1)).frame.height > 0
