"""`observatory`: run the daily job over a range of days and print what the marts say.

    observatory run [--start YYYY-MM-DD] [--end YYYY-MM-DD] [--wait]
    observatory summary
    observatory report
    observatory sql
    observatory quarantine [--admit YYYY-MM-DD [--dataset NAME] --note TEXT]
    observatory quarantine --evict YYYY-MM-DD [--dataset NAME] --reason TEXT
    observatory rehearse [--serve] [--faults standard|none|PLAN.json]
    observatory init-home
    observatory exec COMMAND [ARGS...]

`run` without dates covers every day of the recorded Hub and price folders (recorded mode) or the
day that just ended (live mode), as one Dagster run with one dbt build. Recorded mode reads
`RECORDINGS_DIR` (the real recordings, `../shared/data`, or any folder in that layout); without it,
`run` first generates the demo data into `$DATA_DIR/demo` (deterministic: the same files on every
machine) and runs on that. `rehearse` runs a live day against local servers that answer like
the Hub and OpenRouter, with faults injected (`orchestration.cli.rehearse`). `exec` runs a
command (`dbt`, `dagster dev`, `sqlfluff`) in this data folder's environment: DAGSTER_HOME and
what dbt reads (`Layout.dbt_env`).

One run writes to a DATA_DIR at a time (`orchestration.lib.run_lock`): a second `run` refuses
at once, or queues with `--wait`. A run first puts right what a killed run left behind
(`orchestration.lib.recovery`). A fault of the machine (disk full, a folder it may not write)
ends the command with one line naming the path, and exit code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
import sqlite3
import sys
import warnings
from pathlib import Path

import dagster as dg
import duckdb
import sqlalchemy.exc
from rich.console import Console

from ingestion.errors import InputError
from ingestion.hub.recorded import recorded_hub_source
from ingestion.openrouter.rankings import recorded_rankings_source
from ingestion.openrouter.recorded import recorded_price_source
from ingestion.quality.quarantine import open_entries
from orchestration.cli.diagnose import failure_hint, stored_days_beyond_limits
from orchestration.cli.progress import (
    ProgressView,
    expected_per_step,
    progress_logger,
    terminal_without_stdout,
)
from orchestration.cli.quarantine import quarantine_command
from orchestration.cli.rehearse import add_parser as add_rehearse_parser
from orchestration.cli.rehearse import rehearse_command
from orchestration.cli.report import print_report, sql_session
from orchestration.cli.summary import print_summary
from orchestration.defs.jobs import DAILY_JOB_NAME, RANKINGS_LEFT_OUT
from orchestration.lib import origin
from orchestration.lib.disk import (
    DiskFull,
    disk_full_line,
    looks_like_disk_full,
    nearly_full,
    require_free_space,
)
from orchestration.lib.faults import resource_fault
from orchestration.lib.instance import ensure_dagster_home, persistent_instance
from orchestration.lib.layout import QUARANTINED_DATASETS, Dataset
from orchestration.lib.partitions import RANGE_END_TAG, RANGE_START_TAG, partition_days
from orchestration.lib.recovery import (
    CLI_RUN_TAG,
    CLI_RUN_TAG_VALUE,
    fail_dead_cli_runs,
    recover_build_warehouse,
    remove_leftovers,
)
from orchestration.lib.run_lock import RunLockHeld, run_lock
from orchestration.lib.settings import DBT_PROJECT_DIR, Settings, SettingsError
from orchestration.lib.warehouse import marts_match_warehouse, republish_marts

# Dagster's run tags for a run over a partition range (public strings, see dagster's docs on
# single-run backfills).


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="observatory", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="ingest a range of days and build the marts")
    run.add_argument("--start", type=dt.date.fromisoformat)
    run.add_argument("--end", type=dt.date.fromisoformat)
    run.add_argument(
        "--wait",
        action="store_true",
        help="if another run is writing to this DATA_DIR, wait for it instead of refusing",
    )
    commands.add_parser("summary", help="print rows per mart and the latest month's leaders")
    commands.add_parser(
        "report", help="rebuild $DATA_DIR/reports/index.html (the charts) from the warehouse"
    )
    sql = commands.add_parser(
        "sql", help="an interactive SQL session (Harlequin) on the published warehouse, read-only"
    )
    sql.add_argument(
        "--harlequin",
        default="harlequin",
        metavar="PATH",
        help="the harlequin program (`make sql` installs one in .venv-sql)",
    )
    quarantine = commands.add_parser(
        "quarantine",
        help="list quarantined snapshots and their reasons, re-admit one, or evict a stored day",
    )
    action = quarantine.add_mutually_exclusive_group()
    action.add_argument(
        "--admit",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="accept the newest quarantined snapshot of this day on the next run",
    )
    action.add_argument(
        "--evict",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="move this day's stored fetches out of the raw layer into the quarantine",
    )
    quarantine.add_argument(
        "--dataset",
        default=Dataset.HUB_SNAPSHOTS,
        choices=QUARANTINED_DATASETS,
        type=Dataset,
        help="whose snapshot --admit admits or --evict evicts",
    )
    quarantine.add_argument("--note", help="why it is re-admitted (required with --admit)")
    quarantine.add_argument("--reason", help="why the day is evicted (required with --evict)")
    add_rehearse_parser(commands)
    commands.add_parser("init-home", help="create DAGSTER_HOME with telemetry and nux off")
    run_in = commands.add_parser(
        "exec", help="run a command (dbt, dagster dev, ...) in this data folder's environment"
    )
    run_in.add_argument("argv", nargs=argparse.REMAINDER, metavar="COMMAND [ARGS...]")
    args = parser.parse_args(argv)
    # Piped (make, CI, a log file), rich would wrap the tables at 80 columns.
    terminal = Console()
    console = terminal if terminal.is_terminal else Console(width=120)
    settings: Settings | None = None
    try:
        settings = Settings.from_env()
        if args.command == "init-home":
            ensure_dagster_home(settings.layout.dagster_home)
            return 0
        if args.command == "exec":
            return exec_in_layout(settings, args.argv)
        if args.command == "quarantine":
            return quarantine_command(settings, args, console)
        if args.command == "rehearse":
            return rehearse_command(settings, args, console)
        if args.command == "summary":
            print_summary(settings, console)
            return 0
        if args.command == "report":
            print_report(settings, console)
            return 0
        if args.command == "sql":
            return sql_session(settings, args.harlequin)
        with run_lock(
            settings.layout.run_lock_path,
            wait=args.wait,
            on_wait=lambda holder: console.print(
                f"waiting: another run is writing to {settings.data_dir} "
                f"({holder or 'holder unknown'}); this one starts when it ends",
                highlight=False,
                soft_wrap=True,
            ),
        ):
            return _run(settings, args.start, args.end, console)
    except (SettingsError, InputError, RunLockHeld) as exc:
        console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        return 2
    except (
        OSError,
        sqlite3.OperationalError,
        sqlalchemy.exc.OperationalError,
        duckdb.Error,
    ) as exc:
        # Faults of the machine, not of the pipeline: say where and what to do, no traceback.
        line = resource_fault(exc)
        if isinstance(exc, DiskFull):
            line = str(exc)
        elif settings is not None and (
            looks_like_disk_full(str(exc)) or getattr(exc, "errno", None) == errno.ENOSPC
        ):
            # What failed, without its own advice: the line ends with the disk's.
            line = disk_full_line(settings.layout, _first_line(line).split("; ")[0])
        console.print(f"[bold red]error:[/] {line}", highlight=False, soft_wrap=True)
        return 2


def layout_environment(settings: Settings) -> dict[str, str]:
    """What a tool run by hand needs to see this data folder as the pipeline does."""
    return {
        **settings.layout.dbt_env(),
        "DATA_DIR": settings.data_dir.as_posix(),
        "DAGSTER_HOME": settings.layout.dagster_home.as_posix(),
        "DBT_PROFILES_DIR": DBT_PROJECT_DIR.as_posix(),
    }


def exec_in_layout(settings: Settings, argv: list[str]) -> int:
    if not argv:
        raise SettingsError("exec needs a command, for example `observatory exec dbt parse`")
    ensure_dagster_home(settings.layout.dagster_home)
    settings.layout.build_dir.mkdir(parents=True, exist_ok=True)
    # This environment's own tools first (`dbt`, `dagster`, `sqlfluff` of the venv), so a venv
    # need not be on PATH.
    sibling = Path(sys.executable).parent / argv[0]
    program = str(sibling) if "/" not in argv[0] and sibling.exists() else argv[0]
    try:
        # Replaces this process: signals (Ctrl-C on `dagster dev`) reach the command itself.
        os.execvpe(program, argv, {**os.environ, **layout_environment(settings)})
    except OSError as exc:
        raise SettingsError(f"cannot run {argv[0]!r}: {exc.strerror}") from exc


def warn(message: str) -> None:
    # soft_wrap: a path in a message stays on one line, to be copied and grepped.
    Console(stderr=True).print(f"[yellow]warning:[/] {message}", highlight=False, soft_wrap=True)


def default_range(settings: Settings) -> tuple[dt.date, dt.date]:
    if settings.source_mode == "live":
        yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
        return yesterday, yesterday
    hub_days, hub_problems = recorded_hub_source(settings.hub_snapshot_dir).scan()
    price_days, price_problems = recorded_price_source(settings.prices_snapshot_dir).scan()
    for problem in [*hub_problems, *price_problems]:
        # A misnamed file is never read (see ingestion.recorded): say so, run the rest.
        warn(f"skipped {problem}")
    if not hub_days:
        raise SettingsError(f"no YYYY-MM-DD.parquet snapshots in {settings.hub_snapshot_dir}")
    # Every recorded day of either source: days one source lacks are gaps for it.
    days = sorted([*hub_days, *price_days])
    warn_rankings_left_out(settings, days[0], days[-1])
    return days[0], days[-1]


def warn_rankings_left_out(settings: Settings, first: dt.date, last: dt.date) -> None:
    """Rankings files outside the Hub and price days are not in the default range: say so,
    with the range that would take them, rather than skip them without a word."""
    folder = settings.rankings_snapshot_dir
    if not folder.is_dir():
        return
    ranking_days, _ = recorded_rankings_source(folder).scan()
    outside = [day for day in ranking_days if not first <= day <= last]
    if outside:
        start, end = min(first, outside[0]), max(last, outside[-1])
        warn(
            f"{len(outside)} rankings file(s) in {folder} are outside the Hub and price days "
            f"({first} .. {last}) and left out of this run: {outside[0]} .. {outside[-1]}; "
            f"run with --start {start} --end {end} to take them"
        )


def recover(settings: Settings, instance: dg.DagsterInstance, console: Console) -> None:
    """Put right what a killed run left (under the run lock: no live run is affected)."""
    for run_id in fail_dead_cli_runs(instance):
        console.print(
            f"[yellow]recovered:[/] run {run_id} had died; marked failed", highlight=False
        )
    left = remove_leftovers(settings.layout)
    if left:
        console.print(
            f"[yellow]recovered:[/] removed {len(left)} half-written file(s) of a killed run, "
            f"e.g. {left[0]}",
            highlight=False,
        )
    build = recover_build_warehouse(settings.layout)
    if build:
        console.print(f"[yellow]recovered:[/] {build}", highlight=False)
    if not marts_match_warehouse(settings.layout):
        version = republish_marts(settings.layout)
        console.print(
            f"[yellow]recovered:[/] the Parquet copies of the marts did not match the published "
            f"warehouse; exported them again ({version})",
            highlight=False,
        )


def failure_reasons(result: dg.ExecuteInProcessResult) -> list[str]:
    """Each failed step (or resource) and the error that failed it, one line each."""
    reasons = []
    for event in result.all_events:
        data = event.event_specific_data
        error = getattr(data, "error", None)
        if not (event.is_step_failure or event.is_resource_init_failure) or error is None:
            continue
        # Dagster wraps the asset's own exception: its cause is what went wrong.
        if error.cause is not None and error.cls_name.startswith("Dagster"):
            error = error.cause
        message = error.message.strip().splitlines()[0] if error.message.strip() else ""
        if error.cls_name == "Failure":  # a dg.Failure's description says it all
            message = message.split(": ", 1)[-1]
        reasons.append(f"{event.step_key or 'resources'}: {message}")
    return reasons


def _run(settings: Settings, start: dt.date | None, end: dt.date | None, console: Console) -> int:
    # Before anything is written (recovery and Dagster's storage write too).
    require_free_space(settings.layout, settings.min_free_mb)
    instance = persistent_instance(settings.layout.dagster_home)
    recover(settings, instance, console)
    if origin.claim(settings) == origin.DEMO:
        from ingestion.demo import DemoSpec, ensure_demo  # only demo runs need the generator

        try:
            spec = DemoSpec(**dict(settings.demo_sizes))
        except ValueError as exc:
            raise SettingsError(f"the DEMO_* settings do not make a demo: {exc}") from exc
        made = ensure_demo(settings.recordings_dir, spec)
        console.print(
            f"[bold yellow]Demo data[/]: {'generated' if made else 'reusing'} "
            f"{settings.recordings_dir}. These numbers are GENERATED, not observed; set "
            "RECORDINGS_DIR (for example `make run-recorded`) to run on real recordings.",
            highlight=False,
        )
    first, last = default_range(settings) if start is None or end is None else (start, end)
    start, end = start or first, end or last
    if end < start:
        raise SettingsError(f"--end {end} is before --start {start}")
    # Single-run backfills (`backfill_policy`) are marked beta in Dagster 1.13; they are what this
    # run is. Filtered before the definitions are imported: the decorators warn at import.
    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    from orchestration.definitions import build_definitions, daily_partitions

    partitions = daily_partitions(settings, (start, end))
    days = [day for day in partition_days(partitions) if start <= day <= end]
    if not days:
        console.print(
            f"[yellow]nothing to run:[/] no source has a file for any day of {start} .. {end}",
            highlight=False,
        )
        return 0
    if (days[0], days[-1]) != (start, end):
        # A day no source has a file for is not a partition: a run over it would report it
        # materialized (see orchestration.lib.partitions).
        console.print(
            f"[yellow]note:[/] no source has a file for the days of {start} .. {end} before "
            f"{days[0]} or after {days[-1]}: they are left out",
            highlight=False,
        )
        start, end = days[0], days[-1]
    console.print(
        f"Running [bold]{DAILY_JOB_NAME}[/] over {start} .. {end} "
        f"({(end - start).days + 1} days, {settings.source_mode} mode, data in {settings.data_dir})",
        highlight=False,
        soft_wrap=True,
    )
    if not settings.rankings_available:
        console.print(f"[yellow]note:[/] {RANKINGS_LEFT_OUT}", highlight=False)
    definitions = build_definitions(settings, partitions)
    job = definitions.resolve_job_def(DAILY_JOB_NAME)
    # dbt's per-node lines stay in the run's compute log (the UI) and dbt's own log; the
    # terminal gets each step's progress and outcome (orchestration.cli.progress).
    with terminal_without_stdout() as terminal_stream:
        terminal_console = Console(file=terminal_stream, width=console.width)
        view = ProgressView(terminal_console, start, end, expected_per_step(definitions))
        job = job.with_logger_defs({**dg.default_loggers(), "progress": progress_logger(view)})
        try:
            result = job.execute_in_process(
                # The full event log is in the Dagster UI (`make ui`); the console logger
                # (stderr) keeps the warnings, the progress view shows the rest.
                run_config={
                    "loggers": {"console": {"config": {"log_level": "WARNING"}}, "progress": {}}
                },
                instance=instance,
                tags={
                    RANGE_START_TAG: start.isoformat(),
                    RANGE_END_TAG: end.isoformat(),
                    CLI_RUN_TAG: CLI_RUN_TAG_VALUE,
                },
                raise_on_error=False,
            )
        finally:
            view.close()
    console.print(view.totals(), highlight=False)
    if not result.success:
        reasons = failure_reasons(result)
        full = [reason for reason in reasons if looks_like_disk_full(reason)]
        if not full and reasons and nearly_full(settings.layout, settings.min_free_mb):
            full = reasons
        if full:  # a fault of the machine, not of the pipeline: one line, as any other
            failed = full[0].split("; ")[0]  # the step and what it could not write
            line = disk_full_line(settings.layout, f"run {result.run_id} failed in {failed}")
            console.print(f"[bold red]error:[/] {line}", highlight=False, soft_wrap=True)
            return 2
        # On stdout, where the person running it looks (Dagster's own log goes to stderr).
        for reason in reasons:
            console.print(f"[red]failed step[/] {reason}", highlight=False, soft_wrap=True)
        console.print(
            f"[bold red]run {result.run_id} failed[/]; the marts of the last good run are unchanged"
        )
        for line in failure_hint(stored_days_beyond_limits(settings.layout.raw_dir)):
            console.print(f"[yellow]{line}[/]", highlight=False, soft_wrap=True)
        return 1
    console.print(f"[green]run {result.run_id} succeeded[/]")
    still_out = open_entries(settings.layout.quarantine_dir, settings.layout.raw_dir, start, end)
    if still_out:
        console.print(
            f"[bold yellow]{len(still_out)} snapshot(s) of this range are quarantined[/] and were "
            "kept out of the marts: "
            + ", ".join(sorted({str(e.day) for e in still_out}))
            + ". See `observatory quarantine`.",
            highlight=False,
        )
    print_summary(settings, console)
    report = settings.layout.report_path
    if report.exists():
        console.print(f"Report (opens offline): [bold]{report}[/]", highlight=False, soft_wrap=True)
    return 0


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


if __name__ == "__main__":
    sys.exit(main())
