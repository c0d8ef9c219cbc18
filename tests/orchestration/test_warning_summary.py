"""The terminal gets a rule's warnings day by day when they are rare (a stale day must be seen)
and as one line when a rule warns on many days (a router priced -1 on every price day)."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from ingestion.quality.results import RuleResult, Verdict
from orchestration.defs.quality.ingest import DAYS_LOGGED_ONE_BY_ONE, log_warning_summary


def verdict(day: dt.date, rule: str) -> Verdict:
    warning = RuleResult(rule, passed=False, blocking=False, unexpected_count=1, element_count=9)
    return Verdict("openrouter", day, f"{day}.json", rows=9, results=(warning,))


def warnings_logged(verdicts, capsys) -> list[str]:
    """The WARNING lines Dagster's console logger writes (to stderr, as a run's terminal)."""
    capsys.readouterr()
    log_warning_summary(dg.build_asset_context(), verdicts)
    return [line for line in capsys.readouterr().err.splitlines() if " - WARNING - " in line]


def test_a_rare_warning_is_logged_for_each_day_and_a_routine_one_once(capsys):
    start = dt.date(2026, 1, 1)
    rare = [verdict(start + dt.timedelta(days=i), "counters_unchanged") for i in range(2)]
    many = DAYS_LOGGED_ONE_BY_ONE + 3
    routine = [verdict(start + dt.timedelta(days=i), "price_unknown_sentinel") for i in range(many)]

    rare_lines = warnings_logged(rare, capsys)
    routine_lines = warnings_logged(routine, capsys)

    assert len(rare_lines) == 2
    assert all("counters_unchanged" in line for line in rare_lines)
    assert len(routine_lines) == 1
    assert f"price_unknown_sentinel on {many} days" in routine_lines[0]
