"""The live Hub client against a local server that answers like the Hub."""

from __future__ import annotations

import datetime as dt

import pytest

from ingestion.errors import InputError
from ingestion.hub.live import LiveHubClient
from ingestion.hub.schema import HUB_SNAPSHOT_SCHEMA
from ingestion.live import LiveSource
from tests.fakes.hub_server import Fault

DAY = dt.date(2026, 5, 21)


def test_lists_every_org_across_pages_with_the_expand_whitelist(fake_hub):
    fake_hub.page_size = 25
    orgs = ("Qwen", "deepseek-ai")
    served = {m["id"]: m for m in fake_hub.models if m["author"] in orgs}
    snapshot = LiveHubClient(fake_hub.url, orgs).snapshot(DAY)

    assert set(snapshot.frame["id"]) == set(served)
    assert snapshot.frame.schema == HUB_SNAPSHOT_SCHEMA
    pages = sum(-(-sum(m["author"] == org for m in served.values()) // 25) for org in orgs)
    assert len(fake_hub.model_requests()) == pages > len(orgs)
    assert all("expand=downloadsAllTime" in r for r in fake_hub.model_requests())
    assert all("expand=childrenModelCount" in r for r in fake_hub.model_requests())
    for row in snapshot.frame.iter_rows(named=True):
        model = served[row["id"]]
        assert row["downloadsAllTime"] == model["downloadsAllTime"]
        assert row["childrenModelCount"] == model["childrenModelCount"]
        created = dt.datetime.fromisoformat(model["createdAt"].replace("Z", "+00:00"))
        assert row["createdAt"] == created
    assert snapshot.frame["childrenModelCount"].max() > 0


def test_retries_a_rate_limit_and_a_server_error(fake_hub):
    fake_hub.fail_next(
        Fault(429, b'{"error": "rate limited"}', {"RateLimit": '"api";r=0;t=1'}),
        Fault(500, b'{"error": "internal"}'),
    )
    snapshot = LiveHubClient(fake_hub.url, ("moonshotai",)).snapshot(DAY)

    assert snapshot.frame.height == sum(m["author"] == "moonshotai" for m in fake_hub.models)
    assert len(fake_hub.model_requests()) == 3


def test_an_html_error_page_names_the_source_and_url(fake_hub):
    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    fake_hub.fail_next(Fault(200, page, content_type="text/html"))

    with pytest.raises(InputError) as error:
        LiveHubClient(fake_hub.url, ("Qwen",)).snapshot(DAY)

    assert error.value.source == "hub"
    assert "/api/models?author=Qwen" in error.value.location


def test_a_missing_org_is_an_error_not_an_empty_day(fake_hub):
    fake_hub.fail_next(Fault(404, b'{"error": "not found"}'))

    with pytest.raises(InputError, match="request failed"):
        LiveHubClient(fake_hub.url, ("no-such-org",)).snapshot(DAY)


def test_live_source_refuses_days_the_hub_cannot_answer_for(fake_hub):
    source = LiveSource(LiveHubClient(fake_hub.url, ("Qwen",)), today=lambda: DAY)

    with pytest.raises(InputError, match="keeps no history"):
        source.fetch(DAY - dt.timedelta(days=3))
    assert fake_hub.model_requests() == []
    assert source.fetch(DAY - dt.timedelta(days=1)).frame.height > 0
