"""`observatory`: run the daily job over a range of days and print what the marts say.

    observatory run [--start YYYY-MM-DD] [--end YYYY-MM-DD]
    observatory summary
    observatory quarantine [--admit YYYY-MM-DD [--dataset NAME] --note TEXT]
    observatory quarantine --evict YYYY-MM-DD [--dataset NAME] --reason TEXT
    observatory init-home
    observatory exec COMMAND [ARGS...]

`run` without dates covers every day of the recorded Hub and price folders (recorded mode) or the
day that just ended (live mode), as one Dagster run with one dbt build. Recorded mode reads
`RECORDINGS_DIR` (the real recordings, `../shared/data`, or any folder in that layout); without it,
`run` first generates the demo data into `$DATA_DIR/demo` (deterministic: the same files on every
machine) and runs on that. `exec` runs a command (`dbt`, `dagster dev`, `sqlfluff`) in this
data folder's environment: DAGSTER_HOME and what dbt reads (`Layout.dbt_env`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import warnings
from pathlib import Path

import dagster as dg
from rich.console import Console

from ingestion.errors import InputError
from ingestion.hub.recorded import recorded_hub_source
from ingestion.openrouter.recorded import recorded_price_source
from ingestion.quality.quarantine import open_entries
from orchestration.cli.diagnose import failure_hint, stored_days_beyond_limits
from orchestration.cli.quarantine import quarantine_command
from orchestration.cli.summary import print_summary
from orchestration.defs.jobs import DAILY_JOB_NAME, RANKINGS_LEFT_OUT
from orchestration.lib import origin
from orchestration.lib.instance import ensure_dagster_home, persistent_instance
from orchestration.lib.layout import QUARANTINED_DATASETS, Dataset
from orchestration.lib.settings import DBT_PROJECT_DIR, Settings, SettingsError

# Dagster's run tags for a run over a partition range (public strings, see dagster's docs on
# single-run backfills).
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="observatory", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="ingest a range of days and build the marts")
    run.add_argument("--start", type=dt.date.fromisoformat)
    run.add_argument("--end", type=dt.date.fromisoformat)
    commands.add_parser("summary", help="print rows per mart and the latest month's leaders")
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
    commands.add_parser("init-home", help="create DAGSTER_HOME with telemetry and nux off")
    run_in = commands.add_parser(
        "exec", help="run a command (dbt, dagster dev, ...) in this data folder's environment"
    )
    run_in.add_argument("argv", nargs=argparse.REMAINDER, metavar="COMMAND [ARGS...]")
    args = parser.parse_args(argv)
    # Piped (make, CI, a log file), rich would wrap the tables at 80 columns.
    terminal = Console()
    console = terminal if terminal.is_terminal else Console(width=120)
    try:
        settings = Settings.from_env()
        if args.command == "init-home":
            ensure_dagster_home(settings.layout.dagster_home)
            return 0
        if args.command == "exec":
            return exec_in_layout(settings, args.argv)
        if args.command == "quarantine":
            return quarantine_command(settings, args, console)
        if args.command == "summary":
            print_summary(settings, console)
            return 0
        return _run(settings, args.start, args.end, console)
    except (SettingsError, InputError) as exc:
        console.print(f"[bold red]error:[/] {exc}", highlight=False)
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
    Console(stderr=True).print(f"[yellow]warning:[/] {message}", highlight=False)


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
    return days[0], days[-1]


def _run(settings: Settings, start: dt.date | None, end: dt.date | None, console: Console) -> int:
    if origin.claim(settings) == origin.DEMO:
        from ingestion.demo import ensure_demo  # only demo runs need the generator

        made = ensure_demo(settings.recordings_dir)
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
    console.print(
        f"Running [bold]{DAILY_JOB_NAME}[/] over {start} .. {end} "
        f"({(end - start).days + 1} days, {settings.source_mode} mode, data in {settings.data_dir})",
        highlight=False,
    )
    if not settings.rankings_available:
        console.print(f"[yellow]note:[/] {RANKINGS_LEFT_OUT}", highlight=False)
    # Single-run backfills are marked beta in Dagster 1.13; they are what this run is.
    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    from orchestration.definitions import build_definitions

    job = build_definitions(settings).resolve_job_def(DAILY_JOB_NAME)
    result = job.execute_in_process(
        # The full event log is in the Dagster UI (`make ui`); the terminal gets the outcome.
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        instance=persistent_instance(settings.layout.dagster_home),
        tags={RANGE_START_TAG: start.isoformat(), RANGE_END_TAG: end.isoformat()},
        raise_on_error=False,
    )
    if not result.success:
        for event in result.all_events:
            if event.is_failure and event.step_key:
                console.print(
                    f"[red]failed step[/] {event.step_key}: {event.message}", highlight=False
                )
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
