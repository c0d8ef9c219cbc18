"""OpenRouter's rankings-daily backfilled in as few requests as the API allows (up to 366 days a
call), against the rehearsal server: one file per day, each the day's rows as recorded; days
already stored are not asked for again."""

from __future__ import annotations

import datetime as dt
import json

from ingestion.usage.backfill import backfill_rankings, missing_ranges
from ingestion.usage.recorded import read_rankings_file
from simulation.rehearsal.openrouter import OpenRouterServer
from tests.plugins.demo import DEMO_DIR


def recorded() -> dict[dt.date, dict]:
    folder = DEMO_DIR / "openrouter" / "rankings_daily"
    return {dt.date.fromisoformat(p.stem): json.loads(p.read_text()) for p in folder.glob("*.json")}


def test_a_range_is_one_request_split_into_days(tmp_path, demo):
    answers = recorded()
    first, last = min(answers), max(answers)
    with OpenRouterServer([], rankings=answers, api_key="sk-or-test") as server:
        requests, written = backfill_rankings(
            server.base_url, "sk-or-test", first - dt.timedelta(days=3), last, tmp_path
        )
        again, _ = backfill_rankings(server.base_url, "sk-or-test", first, last, tmp_path)

    assert requests == 1 and again == 0
    assert written == sorted(answers)
    for day, answer in answers.items():
        stored = json.loads((tmp_path / f"{day}.json").read_text())
        assert stored["data"] == answer["data"]
        assert read_rankings_file(tmp_path / f"{day}.json", day).frame.height == len(answer["data"])


def test_missing_days_are_asked_for_in_runs_of_at_most_366(tmp_path):
    (tmp_path / "2025-03-01.json").write_text("{}")

    ranges = missing_ranges(dt.date(2024, 6, 1), dt.date(2026, 5, 1), tmp_path)

    assert ranges[0] == (dt.date(2025, 1, 1), dt.date(2025, 2, 28))  # history starts in 2025
    assert ranges[1] == (dt.date(2025, 3, 2), dt.date(2026, 3, 2))  # 366 days
    assert ranges[2] == (dt.date(2026, 3, 3), dt.date(2026, 5, 1))
