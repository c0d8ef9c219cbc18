"""The one rule of which days a live source can fetch (ingestion.live), for both kinds of API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl
import pytest

from ingestion.errors import UnavailableError
from ingestion.live import LiveSource, Window
from ingestion.snapshots import Snapshot

TODAY = dt.date(2026, 8, 19)


@dataclass
class FakeClient:
    window: Window
    source: str = "fake"
    no_history: str = "fake keeps no history. Backfill past days with FAKE_DIR."
    location: str = "https://fake.test"
    asked: list[dt.date] = field(default_factory=list)

    def snapshot(self, day: dt.date) -> Snapshot:
        self.asked.append(day)
        return Snapshot(day, pl.DataFrame(), self.location, pages=1)


def fetch(window: Window, days_ago: int) -> tuple[Snapshot | None, FakeClient]:
    client = FakeClient(window)
    return LiveSource(client, today=lambda: TODAY).fetch(TODAY - dt.timedelta(days_ago)), client


@pytest.mark.parametrize("days_ago", [0, 1])
def test_a_counter_source_fetches_today_or_the_day_that_just_ended(days_ago):
    snapshot, client = fetch(Window.PRESENT, days_ago)

    assert snapshot.day == TODAY - dt.timedelta(days_ago)
    assert client.asked == [snapshot.day]


@pytest.mark.parametrize("days_ago", [2, 30, -1])
def test_a_counter_source_refuses_any_other_day_without_asking(days_ago):
    client = FakeClient(Window.PRESENT)

    with pytest.raises(UnavailableError) as error:
        LiveSource(client, today=lambda: TODAY).fetch(TODAY - dt.timedelta(days_ago))

    assert (error.value.source, error.value.location) == ("fake", "https://fake.test")
    assert "2026-08-18 or 2026-08-19 can be fetched" in error.value.message
    assert "keeps no history" in error.value.message and "FAKE_DIR" in error.value.message
    assert client.asked == []


@pytest.mark.parametrize("days_ago", [0, -1, -30])
def test_a_final_day_source_leaves_today_and_later_as_gaps_without_asking(days_ago):
    snapshot, client = fetch(Window.ENDED, days_ago)

    assert snapshot is None and client.asked == []


@pytest.mark.parametrize("days_ago", [1, 2, 400])
def test_a_final_day_source_fetches_every_past_day(days_ago):
    snapshot, client = fetch(Window.ENDED, days_ago)

    assert snapshot.day == TODAY - dt.timedelta(days_ago) and client.asked == [snapshot.day]
