"""The live `rankings-daily` client against a local server that answers like OpenRouter, serving
the demo's rankings answers (synthetic) and, where they are, the real recorded ones."""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ingestion.errors import FetchError, InputError, UnavailableError
from ingestion.http import MAX_ATTEMPTS, RetryPolicy
from ingestion.live import LiveSource
from ingestion.quality.expectations import shared_validator
from ingestion.usage.live import LiveRankingsClient
from ingestion.usage.quality import validate_rankings_snapshot
from ingestion.usage.recorded import recorded_rankings_source
from ingestion.usage.schema import RANKINGS_SOURCE
from simulation.rehearsal.base import Fault
from simulation.rehearsal.openrouter import OpenRouterServer
from tests.data import REAL_RANKINGS, requires_real_data
from tests.plugins.demo import DEMO_DIR

KEY = "sk-or-v1-test-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
WRONG_KEY = "sk-or-v1-revoked-aa55aa55aa55aa55aa55aa55"


@pytest.fixture(
    scope="module",
    params=[
        lambda: DEMO_DIR / "openrouter" / "rankings_daily",
        pytest.param(lambda: REAL_RANKINGS, marks=requires_real_data),
    ],
    ids=["demo", "real"],
)
def folder(request) -> Path:
    return request.param()


@pytest.fixture(scope="module")
def answers(folder) -> dict[dt.date, dict[str, Any]]:
    return {
        dt.date.fromisoformat(path.stem): json.loads(path.read_text())
        for path in sorted(folder.glob("*.json"))
    }


@pytest.fixture(scope="module")
def server(answers) -> Iterator[OpenRouterServer]:
    # One server per data set: stopping one costs half a second (its poll interval).
    running = OpenRouterServer([], api_key=KEY).start()
    yield running
    running.stop()


@pytest.fixture
def fake(server, answers) -> OpenRouterServer:
    """The server with the answers as recorded, no faults queued and no request seen."""
    server.reset()
    server.rankings = copy.deepcopy(answers)
    return server


def client(server: OpenRouterServer, key: str = KEY, **kwargs: Any) -> LiveRankingsClient:
    """The client; its waits are recorded (`retry=RetryPolicy(sleep=...)`), never slept."""
    retry = kwargs.pop("retry", RetryPolicy(sleep=lambda seconds: None))
    return LiveRankingsClient(server.base_url, key, timeout=5, retry=retry, **kwargs)


def path_of(day: dt.date) -> str:
    return f"/api/v1/datasets/rankings-daily?start_date={day}&end_date={day}"


def test_a_day_fetched_through_a_429_and_a_500_equals_the_day_fetched_cleanly(fake, answers):
    day = sorted(answers)[-2]
    clean = client(fake).snapshot(day)
    fake.reset()
    fake.fail_next(Fault(429, b'{"error": "rate limited"}'), Fault(500, b"oops"))

    retried = client(fake).snapshot(day)

    assert retried.frame.equals(clean.frame)
    assert fake.requests == [path_of(day)] * 3
    assert (
        clean.location == f"{fake.base_url}/datasets/rankings-daily?start_date={day}&end_date={day}"
    )
    assert clean.pages == 1
    raw = answers[day]["data"]
    assert int(clean.frame["total_tokens"].sum()) == sum(int(r["total_tokens"]) for r in raw)


def test_the_live_frame_is_the_recorded_frame_and_is_accepted(fake, answers, folder):
    day = sorted(answers)[0]
    live = client(fake).snapshot(day)

    assert live.frame.equals(recorded_rankings_source(folder).fetch(day).frame)
    verdict = validate_rankings_snapshot(
        day, live.frame, location=live.location, previous=None, validator=shared_validator()
    )
    assert verdict.accepted, verdict.reason()


def test_the_key_reaches_the_server_as_a_bearer_header(fake, answers):
    day = sorted(answers)[0]
    client(fake).snapshot(day)

    assert fake.authorizations == [f"Bearer {KEY}"]
    assert fake.requests == [path_of(day)]


def test_a_refused_key_is_unavailable_and_never_shown(fake, answers, caplog):
    caplog.set_level(logging.DEBUG)
    refused = client(fake, WRONG_KEY)

    with pytest.raises(UnavailableError) as error:
        refused.snapshot(sorted(answers)[0])

    assert fake.authorizations == [f"Bearer {WRONG_KEY}"]  # sent once, not retried
    assert "refused" in error.value.message and "OPENROUTER_API_KEY" in error.value.message
    assert error.value.source == RANKINGS_SOURCE
    texts = [repr(refused), str(refused), caplog.text]
    cause: BaseException | None = error.value
    while cause is not None:  # the chained errors a traceback would print
        texts += [str(cause), repr(cause)]
        cause = cause.__cause__ or cause.__context__
    assert "rankings-daily" in caplog.text  # httpx did log the request: the logs were read
    assert not [text for text in texts if WRONG_KEY in text]
    assert "api_key" not in repr(refused)


@pytest.mark.parametrize("key", ["", f"{KEY}\n", f"{KEY} é"], ids=["empty", "newline", "non-ascii"])
def test_an_unusable_key_is_unavailable_before_any_request(fake, answers, key):
    with pytest.raises(UnavailableError, match="OPENROUTER_API_KEY") as error:
        client(fake, key).snapshot(sorted(answers)[0])

    assert fake.requests == []
    assert KEY not in str(error.value)


def test_today_and_later_are_gaps_and_ask_nothing(fake, answers):
    last = sorted(answers)[-1]
    source = LiveSource(client(fake), today=lambda: last + dt.timedelta(days=1))

    assert source.fetch(last + dt.timedelta(days=1)) is None
    assert source.fetch(last + dt.timedelta(days=30)) is None
    assert fake.requests == []
    snapshot = source.fetch(last)
    assert snapshot.day == last and snapshot.frame.height == len(answers[last]["data"])


def test_a_row_of_another_day_is_an_input_error_naming_it(fake, answers):
    day = sorted(answers)[0]
    fake.rankings[day]["data"][7]["date"] = (day - dt.timedelta(days=1)).isoformat()

    with pytest.raises(InputError) as error:
        client(fake).snapshot(day)

    assert error.value.field == "data[7].date"
    assert error.value.location.endswith(path_of(day).removeprefix("/api/v1"))


def test_a_day_the_server_does_not_have_is_an_empty_frame_the_suite_refuses(fake, answers):
    day = sorted(answers)[0] - dt.timedelta(days=400)
    snapshot = client(fake).snapshot(day)

    assert snapshot.frame.is_empty()
    verdict = validate_rankings_snapshot(
        day, snapshot.frame, location=snapshot.location, previous=None, validator=shared_validator()
    )
    assert "not_empty" in {r.rule for r in verdict.blocking_failures}


def test_gives_up_after_the_last_attempt_and_names_the_url(fake, answers):
    day = sorted(answers)[0]
    fake.fail_next(*[Fault(503, b"unavailable")] * MAX_ATTEMPTS)

    with pytest.raises(FetchError, match="HTTP 503") as error:
        client(fake).snapshot(day)

    assert error.value.source == RANKINGS_SOURCE
    assert error.value.location.endswith(f"start_date={day}&end_date={day}")
    assert len(fake.requests) == MAX_ATTEMPTS


@pytest.mark.parametrize(
    "fault",
    [
        Fault(
            200,
            b"<html><body><h1>Cloudflare: 1020 Access denied</h1></body></html>",
            {},
            "text/html",
        ),
        Fault(200, b'{"data": [{"date": "2026-07-01", "model_permaslug": "deepseek/deep'),
    ],
    ids=["html page", "truncated body"],
)
def test_an_answer_that_is_not_json_is_an_input_error_not_retried(fake, answers, fault):
    fake.fail_next(fault)

    with pytest.raises(InputError, match="not JSON") as error:
        client(fake).snapshot(sorted(answers)[0])

    assert error.value.source == RANKINGS_SOURCE
    assert len(fake.requests) == 1


@pytest.mark.reliability
def test_retry_after_is_waited_for_exactly_and_a_longer_one_is_not_waited_at_all(fake, answers):
    day = sorted(answers)[0]
    waits: list[float] = []
    honouring = client(fake, retry=RetryPolicy(max_wait=60, sleep=waits.append))
    fake.fail_next(Fault.rate_limited(7), Fault(503, b"{}", {"Retry-After": "60"}))

    honouring.snapshot(day)

    assert waits == [7, 60]
    fake.reset()
    fake.fail_next(Fault(429, b"{}", {"Retry-After": "3600"}))
    with pytest.raises(FetchError, match="asks to wait 3600 s") as error:
        honouring.snapshot(day)
    assert waits == [7, 60]  # not slept: failed at once, with one request
    assert fake.requests == [path_of(day)]
    assert error.value.location.endswith(path_of(day).removeprefix("/api/v1"))


def test_the_fake_honours_the_date_range(fake, answers):
    first, second = sorted(answers)[:2]
    headers = {"Authorization": f"Bearer {KEY}"}
    url = f"{fake.base_url}/datasets/rankings-daily?start_date={first}&end_date={second}"

    body = httpx.get(url, headers=headers, timeout=5).json()

    in_range = [d for d in sorted(answers) if first <= d <= second]
    assert body["data"] == [row for d in in_range for row in answers[d]["data"]]
    assert (body["meta"]["start_date"], body["meta"]["end_date"]) == (str(first), str(second))
    assert httpx.get(url, timeout=5).status_code == 401
    bad = f"{fake.base_url}/datasets/rankings-daily?start_date={second}&end_date={first}"
    assert first == second or httpx.get(bad, headers=headers, timeout=5).status_code == 400
