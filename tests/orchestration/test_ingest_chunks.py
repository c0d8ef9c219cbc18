"""A backfill fetches and validates its days in chunks bounded by days and by rows, so a month
of the whole Hub (two million models a day) is never held in memory at once."""

from __future__ import annotations

import datetime as dt
import threading

import polars as pl
import pytest

from ingestion.errors import FetchError, InputError
from ingestion.snapshots import Snapshot
from orchestration.defs.quality import ingest as daily_ingest
from orchestration.defs.quality.ingest import CHUNK_DAYS, _chunks

FIRST = dt.date(2026, 3, 1)


class Days:
    """Answers each day with a snapshot of `rows[day]` rows, a gap (None) or an InputError."""

    def __init__(self, rows: dict[dt.date, int | InputError | None]) -> None:
        self.rows = rows

    def fetch(self, day: dt.date) -> Snapshot | None:
        answer = self.rows[day]
        if isinstance(answer, InputError):
            raise answer
        if answer is None:
            return None
        return Snapshot(day, pl.DataFrame({"id": range(answer)}), location=f"{day}.parquet")


def days(count: int) -> list[dt.date]:
    return [FIRST + dt.timedelta(days=n) for n in range(count)]


def test_small_days_are_chunked_by_day_count():
    run = days(CHUNK_DAYS + 5)

    chunks = list(_chunks(Days(dict.fromkeys(run, 10)), run))

    assert [len(chunk) for chunk in chunks] == [CHUNK_DAYS, 5]
    assert [day for chunk in chunks for day, _ in chunk] == run


def test_big_days_close_a_chunk_once_it_reaches_the_row_budget(monkeypatch):
    monkeypatch.setattr(daily_ingest, "CHUNK_ROWS", 100)
    run = days(6)
    # 60 + 60 reaches 100; a gap and an unreadable day count no rows; 150 is a chunk alone.
    rows = [60, 60, None, InputError("hub", "2026-03-04.parquet", "id", "unreadable"), 150, 10]
    chunks = list(_chunks(Days(dict(zip(run, rows, strict=True))), run))

    assert [[day for day, _ in chunk] for chunk in chunks] == [run[:2], run[2:5], run[5:]]
    assert chunks[1][0][1] is None and isinstance(chunks[1][1][1], InputError)


class Watched(Days):
    """Days whose fetches are seen: `fetching[day]` is set once the day's fetch has begun."""

    def __init__(self, rows: dict[dt.date, int | InputError | None]) -> None:
        super().__init__(rows)
        self.fetching = {day: threading.Event() for day in rows}

    def fetch(self, day: dt.date) -> Snapshot | None:
        self.fetching[day].set()
        return super().fetch(day)


def test_the_next_day_is_fetched_while_the_chunk_is_judged(monkeypatch):
    monkeypatch.setattr(daily_ingest, "CHUNK_ROWS", 100)
    run = days(3)
    source = Watched(dict.fromkeys(run, 100))  # a day is a chunk on its own

    chunks = _chunks(source, run)
    first = next(chunks)

    # The caller holds the first chunk: the second day is being fetched meanwhile, not the third.
    assert [day for day, _ in first] == run[:1]
    assert source.fetching[run[1]].wait(timeout=10)
    assert not source.fetching[run[2]].is_set()
    assert [[day for day, _ in chunk] for chunk in chunks] == [run[1:2], run[2:]]


def test_a_fetch_that_fails_stops_the_loop_at_its_own_day_after_the_days_before(monkeypatch):
    monkeypatch.setattr(daily_ingest, "CHUNK_ROWS", 10)
    run = days(3)
    failure = FetchError("hub", "https://huggingface.co/api/models", "503 after 5 tries")
    source = Watched(dict.fromkeys(run, 10))
    fetch_day = source.fetch

    def fetch(day: dt.date) -> Snapshot | None:
        if day == run[1]:
            fetch_day(day)
            raise failure
        return fetch_day(day)

    source.fetch = fetch  # type: ignore[method-assign]
    chunks = _chunks(source, run)

    # The first day reaches the caller although the second's fetch failed meanwhile; the failure
    # is raised where the second day is due, and nothing after it is fetched.
    assert [day for day, _ in next(chunks)] == run[:1]
    with pytest.raises(FetchError) as raised:
        next(chunks)
    assert raised.value is failure
    assert not source.fetching[run[2]].is_set()
