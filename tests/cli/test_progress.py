"""`observatory run`'s progress: what the view makes of a run's log records, and the terminal
kept free of what goes to stdout during the run."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import sys

import dagster as dg
from rich.console import Console

from cli.progress import ProgressView, step_name, terminal_without_stdout

START, END = dt.date(2026, 1, 1), dt.date(2026, 1, 10)


def record(step_key: str, message: str) -> logging.LogRecord:
    """A log record as Dagster hands it to a logger: the step and the message in its meta."""
    item = logging.LogRecord("dagster", logging.INFO, __file__, 1, message, None, None)
    item.dagster_meta = {"step_key": step_key, "orig_message": message, "dagster_event": None}
    return item


def view() -> tuple[ProgressView, io.StringIO]:
    out = io.StringIO()
    return ProgressView(Console(file=out, width=200), START, END, {"dbt_models": (3, 5)}), out


def test_a_raw_step_counts_its_days_by_outcome():
    progress, out = view()
    progress.on_start("raw__hub_model_snapshots")
    for message in (
        # a chunk of days is one message, a line a day
        "2026-01-01: 10 models from a.parquet (stored)\n"
        "2026-01-02: a.parquet: warning counters_unchanged ...\n"  # a warning: same day
        "2026-01-02: 10 models from b.parquet (stored)",
        "2026-01-03: 10 models from c.parquet (unchanged, not stored again)",
        "2026-01-05: quarantined (new) in /q: hub: e.parquet: counters_went_down_at_once",
        "published 3 files",  # not a day line
    ):
        progress.emit(record("raw__hub_model_snapshots", message))
    progress.on_end("raw__hub_model_snapshots", "STEP_SUCCESS")

    line = out.getvalue()
    assert "raw/hub_model_snapshots: 4 of the 10 days had a snapshot" in line
    assert "(2 stored, 1 unchanged, 1 quarantined)" in line


def test_checks_are_counted_per_step_and_for_the_run():
    progress, out = view()
    progress.on_start("dbt_models")
    progress.on_check("dbt_models", "unique_a", True, dg.AssetCheckSeverity.ERROR)
    progress.on_check("dbt_models", "not_null_b", True, dg.AssetCheckSeverity.ERROR)
    progress.on_check("dbt_models", "stale_days", False, dg.AssetCheckSeverity.WARN)
    progress.on_check("dbt_models", "fresh", False, dg.AssetCheckSeverity.ERROR)
    progress.on_end("dbt_models", "STEP_FAILURE")

    line = out.getvalue()
    assert "FAILED dbt: every model and test" in line
    assert "2 of 4 checks passed, 1 warned (stale_days), 1 failed (fresh)" in line
    assert progress.totals().startswith("Checks: 2 passed, 1 warned (stale_days), 1 failed (fresh)")


def test_step_names_read_as_asset_keys():
    assert step_name("warehouse__published_warehouse") == "warehouse/published_warehouse"
    assert step_name("dbt_models") == "dbt: every model and test"


def test_stdout_of_the_run_stays_off_the_terminal(capfd):
    with terminal_without_stdout() as terminal:
        # what dagster-dbt does with each dbt line, and what a child process inherits
        sys.stdout.write("1 of 243 START sql view model staging.x\n")
        sys.stdout.flush()
        os.write(sys.stdout.fileno(), b"2 of 243 PASS not_null_x\n")
        terminal.write("raw/hub_model_snapshots: day 3 of 10\n")
    print("after")

    shown = capfd.readouterr().out
    assert "START" not in shown and "PASS" not in shown
    assert "day 3 of 10" in shown
    assert "after" in shown


def test_a_captured_stdout_gets_the_view_and_not_the_runs_own_lines(capsys):
    """Where stdout has no file descriptor (pytest's capsys, an embedding program), the run's
    own lines are dropped as on a terminal, and the view's still show."""
    with terminal_without_stdout() as terminal:
        sys.stdout.write("Traceback (most recent call last):\n")
        terminal.write("raw/hub_model_snapshots: day 3 of 10\n")
    print("after")

    shown = capsys.readouterr().out
    assert "Traceback" not in shown
    assert "day 3 of 10" in shown and "after" in shown
