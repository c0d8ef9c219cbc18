"""`observatory run`: the steps of `orchestration.daily_run`, shown as they happen.

Without dates it covers every day of the recorded Hub and price folders (recorded mode) or the
day that just ended (live mode), as one Dagster run with one dbt build. Without
`RECORDINGS_DIR` it first generates the demo data into `$DATA_DIR/demo` (`simulation.demo`).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

from rich.console import Console

from cli.planted import planted_days
from cli.progress import ProgressView, expected_per_step, progress_logger, terminal_without_stdout
from cli.summary import print_summary
from orchestration import daily_run
from orchestration.defs.jobs import DAILY_JOB_NAME, RANKINGS_LEFT_OUT
from orchestration.lib import origin
from orchestration.lib.diagnose import failure_hint, stored_days_beyond_limits
from orchestration.lib.disk import (
    disk_full_line,
    looks_like_disk_full,
    nearly_full,
    require_free_space,
)
from orchestration.lib.instance import persistent_instance
from orchestration.lib.run_lock import run_lock
from orchestration.lib.settings import Settings, SettingsError


def add_parser(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser("run", help="ingest a range of days and build the marts")
    run.add_argument("--start", type=dt.date.fromisoformat)
    run.add_argument("--end", type=dt.date.fromisoformat)
    run.add_argument(
        "--wait",
        action="store_true",
        help="if another run is writing to this DATA_DIR, wait for it instead of refusing",
    )


def run_command(settings: Settings, args: argparse.Namespace, console: Console) -> int:
    return locked(
        settings, args.wait, console, lambda: run_range(settings, args.start, args.end, console)
    )


def locked(settings: Settings, wait: bool, console: Console, work: Callable[[], int]) -> int:
    """`work` under the DATA_DIR's run lock: one run writes to a DATA_DIR at a time."""
    with run_lock(
        settings.layout.run_lock_path,
        wait=wait,
        on_wait=lambda holder: say(
            console,
            f"waiting: another run is writing to {settings.data_dir} "
            f"({holder or 'holder unknown'}); this one starts when it ends",
        ),
    ):
        return work()


def say(console: Console, text: str) -> None:
    # soft_wrap: a path in a message stays on one line, to be copied and grepped.
    console.print(text, highlight=False, soft_wrap=True)


def ensure_demo_data(settings: Settings, console: Console) -> None:
    from simulation.demo import DemoSpec, ensure_demo  # only demo runs need the generator

    try:
        spec = DemoSpec(**dict(settings.demo_sizes))
    except ValueError as exc:
        raise SettingsError(f"the DEMO_* settings do not make a demo: {exc}") from exc
    made = ensure_demo(settings.recordings_dir, spec)
    say(
        console,
        f"[bold yellow]Demo data[/]: {'generated' if made else 'reusing'} "
        f"{settings.recordings_dir}. These numbers are GENERATED, not observed; set "
        "RECORDINGS_DIR (for example `make run-recorded`) to run on real recordings.",
    )


def run_range(
    settings: Settings, start: dt.date | None, end: dt.date | None, console: Console
) -> int:
    """One run over `start .. end` (every recorded day, or the day that just ended, when not
    given), shown as it happens; the caller holds the run lock."""
    # Before anything is written (recovery and Dagster's storage write too).
    require_free_space(settings.layout, settings.min_free_mb)
    instance = persistent_instance(settings.layout.dagster_home)
    for line in daily_run.recover(settings, instance):
        say(console, f"[yellow]recovered:[/] {line}")
    if origin.claim(settings) == origin.DEMO:
        ensure_demo_data(settings, console)
    if start is None or end is None:
        first, last, skipped = daily_run.default_range(settings)
        for problem in skipped:
            # A file the range leaves out: say so, run the rest.
            say(Console(stderr=True), f"[yellow]warning:[/] {problem}")
        start, end = start or first, end or last
    run = daily_run.plan(settings, start, end)
    if run is None:
        say(
            console,
            f"[yellow]nothing to run:[/] no source has a file for any day of {start} .. {end}",
        )
        return 0
    for note in run.notes:
        say(console, f"[yellow]note:[/] {note}")
    say(
        console,
        f"Running [bold]{DAILY_JOB_NAME}[/] over {run.start} .. {run.end} ({run.days} days, "
        f"{settings.source_mode} mode, data in {settings.data_dir})",
    )
    if not settings.rankings_available:
        say(console, f"[yellow]note:[/] {RANKINGS_LEFT_OUT}")
    # dbt's per-node lines stay in the run's compute log (the UI) and dbt's own log; the
    # terminal gets each step's progress and outcome (cli.progress).
    with terminal_without_stdout() as terminal_stream:
        view = ProgressView(
            Console(file=terminal_stream, width=console.width),
            run.start,
            run.end,
            expected_per_step(run.definitions),
        )
        # On demo data the planted faults are one short line each, saying they are expected;
        # Dagster's console logger (run id, paths, samples) then prints only what is critical.
        demo = origin.origin_of(settings) == origin.DEMO
        view.short_warnings = demo
        view.planted = planted_days(settings.recordings_dir) if demo else None
        try:
            result = daily_run.execute(
                run,
                instance,
                loggers={"progress": progress_logger(view)},
                # The full event log is in the Dagster UI (`make ui`); the console logger
                # (stderr) keeps the warnings, the progress view shows the rest.
                logger_config={
                    "console": {"config": {"log_level": "CRITICAL" if demo else "WARNING"}},
                    "progress": {},
                },
            )
        finally:
            view.close()
    say(console, view.totals())
    if not result.success:
        reasons = daily_run.failure_reasons(result)
        full = [reason for reason in reasons if looks_like_disk_full(reason)]
        if not full and reasons and nearly_full(settings.layout, settings.min_free_mb):
            full = reasons
        if full:  # a fault of the machine, not of the pipeline: one line, as any other
            failed = full[0].split("; ")[0]  # the step and what it could not write
            line = disk_full_line(settings.layout, f"run {result.run_id} failed in {failed}")
            say(console, f"[bold red]error:[/] {line}")
            return 2
        # On stdout, where the person running it looks (Dagster's own log goes to stderr).
        for reason in reasons:
            say(console, f"[red]failed step[/] {reason}")
        console.print(
            f"[bold red]run {result.run_id} failed[/]; the marts of the last good run are unchanged"
        )
        for line in failure_hint(stored_days_beyond_limits(settings.layout.raw_dir)):
            say(console, f"[yellow]{line}[/]")
        return 1
    console.print(f"[green]run {result.run_id} succeeded[/]")
    still_out = daily_run.quarantined_in(settings, run)
    if still_out:
        say(
            console,
            f"[bold yellow]{len(still_out)} snapshot(s) of this range are quarantined[/] and were "
            "kept out of the marts: "
            + ", ".join(sorted({str(e.day) for e in still_out}))
            + ". See `observatory quarantine`.",
        )
    print_summary(settings, console)
    report = settings.layout.report_path
    if report.exists():
        say(console, f"Report (opens offline): [bold]{report}[/]")
    return 0
