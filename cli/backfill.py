"""`observatory backfill --start YYYY-MM-DD [--end YYYY-MM-DD]`: the Hub's past from the
hub-stats dataset's revisions (`ingestion.hub.backfill`), then the daily job over the range.

The days read are kept in `$DATA_DIR/backfill` (a recordings folder: `hub/daily/`, and the
newest day as `hub/hub_stats_<day>.parquet`, the catalog); the run then ingests that folder in
recorded mode, with the other sources where this DATA_DIR's settings say. Started again, a
backfill fetches only the days it lacks, and the run stores only what it had not stored.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
from collections.abc import Callable

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ingestion.hub.backfill import Mirror, Step, backfill
from ingestion.hub.hub_stats import HubStatsRepo
from ingestion.usage.backfill import MAX_DAYS_PER_CALL, backfill_rankings
from orchestration.lib.settings import OPENROUTER_API_KEY_ENV, Settings, SettingsError

Run = Callable[[Settings, dt.date | None, dt.date | None, Console], int]


def add_parser(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "backfill",
        help="read the Hub's past days from the hub-stats dataset's revisions, then run over them",
    )
    command.add_argument("--start", type=dt.date.fromisoformat, required=True)
    command.add_argument(
        "--end", type=dt.date.fromisoformat, help="default: the day that just ended (UTC)"
    )
    command.add_argument(
        "--wait",
        action="store_true",
        help="if another run is writing to this DATA_DIR, wait for it instead of refusing",
    )


def backfill_command(
    settings: Settings, args: argparse.Namespace, console: Console, run: Run
) -> int:
    end = args.end or dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    if end < args.start:
        raise SettingsError(f"--end {end} is before --start {args.start}")
    mirror = Mirror(settings.layout.backfill_dir)
    repo = HubStatsRepo(
        settings.hub_stats_repo, endpoint=settings.hf_endpoint, token=settings.hf_token
    )
    console.print(
        f"Backfilling the Hub over {args.start} .. {end} from {repo.location} into {mirror.root}",
        highlight=False,
        soft_wrap=True,
    )
    with Progress(
        TextColumn("[bold]hub-stats[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("days  {task.fields[bytes]}  {task.fields[day]}"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("days", total=None, bytes="", day="listing commits")

        def show(step: Step) -> None:
            share = (
                f" ({step.bytes_fetched / step.file_bytes:.0%} of the files)"
                if step.file_bytes
                else ""
            )
            bar.update(
                task,
                total=step.total,
                completed=step.done,
                bytes=f"{step.bytes_fetched / 1e6:,.1f} MB{share}",
                day=f"{step.day}{'' if step.fetched else ' (stored before)'}",
            )

        done = backfill(repo, args.start, end, mirror, progress=show)
    fetched = len(done.days) - len(done.stored)
    console.print(
        f"{len(done.days)} days with a revision ({fetched} fetched, {len(done.stored)} stored "
        f"before), {len(done.gaps)} without one"
        + (f" (first: {done.gaps[0]})" if done.gaps else ""),
        highlight=False,
    )
    if not done.days:
        console.print("[yellow]nothing to run:[/] no revision of the range", highlight=False)
        return 0
    recorded = dataclasses.replace(
        settings,
        source_mode="recorded",
        uses_demo=False,
        hub_snapshot_dir=mirror.daily_dir,
        hub_catalog_dir=mirror.catalog_dir,
    )
    api_key = os.environ.get(OPENROUTER_API_KEY_ENV)  # a secret: read here, never kept
    if api_key:
        folder = mirror.root / "openrouter" / "rankings_daily"
        requests, written = backfill_rankings(
            settings.openrouter_base_url, api_key, args.start, end, folder
        )
        console.print(
            f"OpenRouter rankings-daily: {len(written)} days written in {requests} request(s) "
            f"(up to {MAX_DAYS_PER_CALL} days each) into {folder}",
            highlight=False,
            soft_wrap=True,
        )
        recorded = dataclasses.replace(recorded, rankings_snapshot_dir=folder)
    return run(recorded, args.start, end, console)
