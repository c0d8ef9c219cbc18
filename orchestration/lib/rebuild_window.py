"""The days dbt rebuilds, decided once, in Python, before dbt starts.

Every daily-grain model of the Hub rebuilds the same days: from the rebuild's first day to the
newest (a day's comparisons and its downloads read the observations before it, so a changed day
changes every day after it; a daily run's day is the newest, so it rebuilds that day alone).
The first day is the earliest of the run's days and of the days the raw layer and the build
disagree on: a day evicted from the raw layer is still stored, a day admitted to it (or loaded
outside a run) is not yet. Comparing the raw listing with `int_hub__snapshot_days` costs a
folder listing and a few hundred rows, not a scan of the history. dbt gets the day through one
environment variable (`layout.REBUILD_FROM_ENV`); docs/incremental.md says how each model uses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import duckdb

from ingestion.raw_store import RawStore
from orchestration.lib.layout import REBUILD_FROM_ENV, Dataset, Layout

# The build's table of stored snapshot days (schema `intermediate`, see dbt_project.yml).
SNAPSHOT_DAYS_TABLE = "intermediate.int_hub__snapshot_days"


def rebuild_from(
    run_first: dt.date, raw_days: Iterable[dt.date], stored_days: Iterable[dt.date] | None
) -> dt.date:
    """The first day to rebuild: the run's first day, or an earlier day the raw layer and the
    build disagree on. `stored_days` None: nothing is built yet (dbt builds everything)."""
    if stored_days is None:
        return run_first
    changed = set(raw_days) ^ set(stored_days)
    return min(changed | {run_first})


def run_rebuild_from(layout: Layout, run_first: dt.date) -> dt.date:
    """The first day a run from `run_first` rebuilds in this data folder: its raw Hub days
    listed against the days its build holds (what the dbt asset does before dbt starts)."""
    raw = RawStore(layout.raw_dir, Dataset.HUB_SNAPSHOTS).days()
    return rebuild_from(run_first, raw, stored_days(layout.build_warehouse_path))


def stored_days(build_warehouse: Path) -> set[dt.date] | None:
    """The snapshot days the build holds, or None when it holds none yet (no file, no table).

    Opened read-only before dbt starts, so it never competes with dbt's writes."""
    if not build_warehouse.exists():
        return None
    with duckdb.connect(str(build_warehouse), read_only=True) as con:
        found = con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'intermediate' "
            "and table_name = 'int_hub__snapshot_days'"
        ).fetchone()
        if not found or not found[0]:
            return None
        rows = con.execute(f"select snapshot_date from {SNAPSHOT_DAYS_TABLE}").fetchall()
    return {row[0] for row in rows}


def rebuild_env(day: dt.date) -> dict[str, str]:
    """The environment that tells dbt the rebuild's first day. Environment, not `--vars`: dbt
    re-parses the whole project when its vars change, only the files that read an environment
    variable when that one changes."""
    return {REBUILD_FROM_ENV: day.isoformat()}
