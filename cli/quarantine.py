"""`observatory quarantine`: what was refused, why, and whether it has been dealt with since
(each entry's status is `QuarantineEntry.status`); `--admit` re-admits the newest entry of a day;
`--evict` moves a day already stored out of the raw layer (`Quarantine.evict`), so that a day
that breaks the build no longer blocks every later run (docs/quality.md)."""

from __future__ import annotations

import argparse
import datetime as dt

from rich.console import Console

from ingestion.quality.quarantine import Quarantine, all_entries
from ingestion.raw_store import RawStore
from orchestration.lib.layout import QUARANTINED_DATASETS, Dataset
from orchestration.lib.settings import Settings, SettingsError


def add_parser(commands: argparse._SubParsersAction) -> None:
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


def quarantine_command(settings: Settings, args: argparse.Namespace, console: Console) -> int:
    layout = settings.layout
    if args.evict is not None:
        return evict_command(settings, args, console)
    if args.admit is not None:
        if not args.note:
            raise SettingsError("--admit needs --note: say why this snapshot is trusted")
        quarantine = Quarantine(layout.quarantine_dir, args.dataset)
        try:
            entry = quarantine.admit(
                args.admit,
                note=args.note,
                admitted_at=dt.datetime.now(dt.UTC),
                raw_root=layout.raw_dir,
            )
        except LookupError as exc:
            raise SettingsError(str(exc)) from exc
        console.print(
            f"re-admitted {entry.directory}; run `observatory run --start {entry.day} "
            f"--end {entry.day}` to store it",
            highlight=False,
        )
        return 0
    entries = all_entries(layout.quarantine_dir)
    if not entries:
        console.print(f"Nothing quarantined in {layout.quarantine_dir}.", highlight=False)
        return 0
    # Plain lines, not a table: reasons are long and must stay readable in any terminal.
    console.print(
        f"{len(entries)} quarantined snapshot(s) in {layout.quarantine_dir}:", soft_wrap=True
    )
    for entry in entries:
        console.print(
            f"\n[bold]{entry.dataset} {entry.day}[/] [yellow]{entry.status(layout.raw_dir)}[/] "
            f"({'evicted' if entry.evicted else 'refused'} at {entry.quarantined_at[:19]}Z)",
            highlight=False,
        )
        # soft_wrap: paths and reasons stay on one line, so they can be copied and grepped.
        reason = entry.reason.get("reason", "")
        console.print(f"  reason: {reason}", highlight=False, soft_wrap=True)
        console.print(f"  kept in: {entry.directory}", highlight=False, soft_wrap=True)
    return 0


def evict_command(settings: Settings, args: argparse.Namespace, console: Console) -> int:
    if not args.reason:
        raise SettingsError("--evict needs --reason: say why this stored day is taken out")
    layout = settings.layout
    quarantine = Quarantine(layout.quarantine_dir, args.dataset)
    try:
        entry = quarantine.evict(
            RawStore(layout.raw_dir, args.dataset),
            args.evict,
            reason=args.reason,
            evicted_at=dt.datetime.now(dt.UTC),
        )
    except LookupError as exc:
        raise SettingsError(str(exc)) from exc
    console.print(
        f"evicted {args.dataset} {entry.day} from the raw layer into {entry.directory}; the next "
        f"run sees the day as a gap (undo: `observatory quarantine --admit {entry.day} "
        f"--dataset {args.dataset} --note ...`)",
        highlight=False,
        soft_wrap=True,
    )
    return 0
