"""`observatory quarantine`: what was refused, why, and whether it has been dealt with since.

An entry's status:
- `quarantined`: still out of the raw layer; the day is a gap in the marts;
- `accepted since`: a later snapshot of that day (a fixed file, a new fetch) passed and is in
  the raw layer; the entry stays as a record;
- `re-admitted`: an operator ran `observatory quarantine --admit DAY --note ...`; the next run
  that meets exactly this content stores it despite its blocking failures.
"""

from __future__ import annotations

import argparse
import datetime as dt

from rich.console import Console

from ingestion.quality.quarantine import Quarantine, QuarantineEntry, all_entries
from ingestion.raw_store import RawStore
from orchestration.lib.settings import Settings, SettingsError

HUB_DATASET = "hub_model_snapshots"
PRICE_DATASET = "openrouter_models"
RANKINGS_DATASET = "openrouter_rankings"
DATASETS = (
    HUB_DATASET,
    PRICE_DATASET,
    RANKINGS_DATASET,
)  # the raw assets that quarantine; listing reads any
QUARANTINED, ACCEPTED_SINCE, READMITTED = "quarantined", "accepted since", "re-admitted"


def entry_status(settings: Settings, entry: QuarantineEntry) -> str:
    if entry.admitted is not None:
        return READMITTED
    # Raw fetches and quarantine entries are both named `<UTC timestamp>_<hash>`: a fetch of
    # the same day named later was accepted after this entry was refused.
    stamp = entry.directory.name.split("_", 1)[0]
    fetches = RawStore(settings.raw_dir, entry.dataset).fetches(entry.day)
    if any(path.name.split("_", 1)[0] > stamp for path in fetches):
        return ACCEPTED_SINCE
    return QUARANTINED


def open_entries(settings: Settings, start: dt.date, end: dt.date) -> list[QuarantineEntry]:
    """Entries of days in [start, end] still out of the raw layer."""
    return [
        entry
        for entry in all_entries(settings.quarantine_dir)
        if start <= entry.day <= end and entry_status(settings, entry) == QUARANTINED
    ]


def quarantine_command(settings: Settings, args: argparse.Namespace, console: Console) -> int:
    if args.admit is not None:
        if not args.note:
            raise SettingsError("--admit needs --note: say why this snapshot is trusted")
        quarantine = Quarantine(settings.quarantine_dir, args.dataset)
        try:
            entry = quarantine.admit(
                args.admit, note=args.note, admitted_at=dt.datetime.now(dt.UTC)
            )
        except LookupError as exc:
            raise SettingsError(str(exc)) from exc
        console.print(
            f"re-admitted {entry.directory}; run `observatory run --start {entry.day} "
            f"--end {entry.day}` to store it",
            highlight=False,
        )
        return 0
    entries = all_entries(settings.quarantine_dir)
    if not entries:
        console.print(f"Nothing quarantined in {settings.quarantine_dir}.", highlight=False)
        return 0
    # Plain lines, not a table: reasons are long and must stay readable in any terminal.
    console.print(
        f"{len(entries)} quarantined snapshot(s) in {settings.quarantine_dir}:", soft_wrap=True
    )
    for entry in entries:
        console.print(
            f"\n[bold]{entry.dataset} {entry.day}[/] [yellow]{entry_status(settings, entry)}[/] "
            f"(refused at {entry.quarantined_at[:19]}Z)",
            highlight=False,
        )
        # soft_wrap: paths and reasons stay on one line, so they can be copied and grepped.
        reason = entry.reason.get("reason", "")
        console.print(f"  reason: {reason}", highlight=False, soft_wrap=True)
        console.print(f"  kept in: {entry.directory}", highlight=False, soft_wrap=True)
    return 0
