"""`observatory`: run the daily job over a range of days and print what the marts say.

    observatory run [--start YYYY-MM-DD] [--end YYYY-MM-DD] [--wait]
    observatory summary
    observatory report
    observatory sql
    observatory quarantine [--admit YYYY-MM-DD [--dataset NAME] --note TEXT]
    observatory quarantine --evict YYYY-MM-DD [--dataset NAME] --reason TEXT
    observatory rehearse [--serve] [--faults standard|none|PLAN.json]
    observatory publish --repo OWNER/NAME [--dry-run]
    observatory backfill --start YYYY-MM-DD [--end YYYY-MM-DD]
    observatory init-home
    observatory exec COMMAND [ARGS...]

This module parses and dispatches; each command is a module of `cli` (`run`, `quarantine`,
`rehearse`, `backfill`, `publish`, `report`, `summary`, `layout_exec`), and the run's steps are in
`orchestration.daily_run`.

One run writes to a DATA_DIR at a time (`orchestration.lib.run_lock`): a second `run` refuses
at once, or queues with `--wait`. A run first puts right what a killed run left behind
(`orchestration.lib.recovery`). A fault of the machine (disk full, a folder it may not write)
ends the command with one line naming the path, and exit code 2.
"""

from __future__ import annotations

import argparse
import errno
import sqlite3
import sys

import duckdb
import sqlalchemy.exc
from rich.console import Console

from cli import backfill, layout_exec, publish, quarantine, rehearse, run
from cli.report import print_report, sql_session
from cli.summary import print_summary
from ingestion.errors import FetchError, InputError
from orchestration.lib.disk import DiskFull, disk_full_line, looks_like_disk_full
from orchestration.lib.faults import resource_fault
from orchestration.lib.instance import ensure_dagster_home
from orchestration.lib.run_lock import RunLockHeld
from orchestration.lib.settings import Settings, SettingsError


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="observatory", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run.add_parser(commands)
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
    quarantine.add_parser(commands)
    rehearse.add_parser(commands)
    publish.add_parser(commands)
    backfill.add_parser(commands)
    commands.add_parser("init-home", help="create DAGSTER_HOME with telemetry and nux off")
    run_in = commands.add_parser(
        "exec", help="run a command (dbt, dagster dev, ...) in this data folder's environment"
    )
    run_in.add_argument("argv", nargs=argparse.REMAINDER, metavar="COMMAND [ARGS...]")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # Piped (make, CI, a log file), rich would wrap the tables at 80 columns.
    terminal = Console()
    console = terminal if terminal.is_terminal else Console(width=120)
    settings: Settings | None = None
    try:
        settings = Settings.from_env()
        return dispatch(args, settings, console)
    except (SettingsError, InputError, RunLockHeld, FetchError) as exc:
        console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        return 2
    except (
        OSError,
        sqlite3.OperationalError,
        sqlalchemy.exc.OperationalError,
        duckdb.Error,
    ) as exc:
        # Faults of the machine, not of the pipeline: say where and what to do, no traceback.
        console.print(
            f"[bold red]error:[/] {machine_fault(exc, settings)}", highlight=False, soft_wrap=True
        )
        return 2


def machine_fault(exc: Exception, settings: Settings | None) -> str:
    """One line: what failed and where; a full disk ends with the disk's free space."""
    if isinstance(exc, DiskFull):
        return str(exc)
    line = resource_fault(exc)
    if settings is not None and (
        looks_like_disk_full(str(exc)) or getattr(exc, "errno", None) == errno.ENOSPC
    ):
        # What failed, without its own advice: the line ends with the disk's.
        first = line.strip().splitlines()[0] if line.strip() else line
        return disk_full_line(settings.layout, first.split("; ")[0])
    return line


def dispatch(args: argparse.Namespace, settings: Settings, console: Console) -> int:
    match args.command:
        case "run":
            return run.run_command(settings, args, console)
        case "init-home":
            ensure_dagster_home(settings.layout.dagster_home)
        case "exec":
            return layout_exec.exec_in_layout(settings, args.argv)
        case "quarantine":
            return quarantine.quarantine_command(settings, args, console)
        case "rehearse":
            return rehearse.rehearse_command(settings, args, console)
        case "backfill":
            return run.locked(
                settings,
                args.wait,
                console,
                lambda: backfill.backfill_command(settings, args, console, run.run_range),
            )
        case "publish":
            return publish.publish_command(settings, args, console)
        case "summary":
            print_summary(settings, console)
        case "report":
            print_report(settings, console)
        case "sql":
            return sql_session(settings, args.harlequin)
    return 0


if __name__ == "__main__":
    sys.exit(main())
