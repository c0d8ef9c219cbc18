"""`observatory report` and `observatory sql`: the two front doors to the published marts
besides the summary, for readers (charts) and analysts (SQL)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from rich.console import Console

from orchestration.lib.report import build_report
from orchestration.lib.settings import Settings, SettingsError


def print_report(settings: Settings, console: Console) -> None:
    """Rebuild the report from the published warehouse (no pipeline run) and say where it is."""
    started = time.perf_counter()
    try:
        report = build_report(settings.layout)
    except FileNotFoundError as exc:
        raise SettingsError(str(exc)) from exc
    charts = sum(figure.spec is not None for figure in report.figures)
    console.print(
        f"Report: [bold]{report.path}[/] ({charts} charts, the headline and the claims, "
        f"{time.perf_counter() - started:.1f} s"
        + ("; GENERATED demo data" if report.demo else "")
        + "). It opens offline in any browser.",
        highlight=False,
        soft_wrap=True,
    )


def harlequin_argv(warehouse: Path, program: str = "harlequin") -> list[str]:
    """Harlequin on the published warehouse, read-only: its DuckDB adapter opens the file with
    DuckDB's own read-only mode, so the session cannot change the marts and a run's publish
    (copy, then rename over the file) never waits on it."""
    return [program, "--adapter", "duckdb", "--read-only", str(warehouse)]


def sql_session(settings: Settings, program: str = "harlequin") -> int:
    warehouse = settings.layout.warehouse_path
    if not warehouse.exists():
        raise SettingsError(
            f"no published warehouse at {warehouse}: run the pipeline first (`make run`)"
        )
    found = program if "/" in program else shutil.which(program)
    if found is None or not Path(found).exists():
        raise SettingsError(
            f"Harlequin not found ({program}): `make sql` installs it in .venv-sql; or open the "
            f"warehouse with any DuckDB client, read-only ({warehouse})"
        )
    argv = harlequin_argv(warehouse, found)
    os.execv(argv[0], argv)  # replaces this process: the terminal belongs to Harlequin
