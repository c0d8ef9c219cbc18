"""What a killed run leaves behind, put right at the start of the next run.

Runs under the DATA_DIR's run lock (`orchestration.lib.run_lock`), so no live run is touched:
- runs `observatory run` started that Dagster's storage still shows in progress are marked
  failed (a live CLI run holds the lock for its whole run, so these processes are dead);
- hidden leftovers of interrupted atomic writes (`ingestion.atomic`) are removed;
- a published warehouse that does not read the version of the marts `marts` points at (a crash
  between the two renames of a publish) gets its views written again
  (`orchestration.lib.warehouse`);
- a build warehouse that dbt did not close (its `.wal` is left) is opened once, which makes
  DuckDB replay its log and checkpoint; if it cannot be opened it is removed, and dbt builds it
  anew from the raw layer (the published marts are not a copy of it).

The published marts are never touched: a killed run has not replaced them, or has replaced
them whole (`ingestion.atomic.replacing`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.lib.layout import Layout

# The tag `observatory run` puts on its runs: only these are known to hold the run lock for
# their whole life (steps of UI-launched runs take it one step at a time).
CLI_RUN_TAG = "observatory/launched_by"
CLI_RUN_TAG_VALUE = "cli"
IN_PROGRESS = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]
KILLED_MESSAGE = (
    "The process of this run died without reporting an outcome (killed, or the machine went "
    "down); marked failed by the next `observatory run` on this DATA_DIR."
)


def fail_dead_cli_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark the CLI runs still recorded as in progress failed; their ids."""
    runs = instance.get_runs(
        filters=dg.RunsFilter(statuses=IN_PROGRESS, tags={CLI_RUN_TAG: CLI_RUN_TAG_VALUE})
    )
    for run in runs:
        instance.report_run_failed(run, message=KILLED_MESSAGE)
    return [run.run_id for run in runs]


def _hidden(folder: Path) -> Iterator[Path]:
    """Hidden entries under `folder`, not descending into them: `ingestion.atomic` writes
    `.<target>.<random>[.tmp]` beside its target, and nothing else in these folders is hidden."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name.startswith("."):
            yield entry
        elif entry.is_dir() and not entry.is_symlink():
            yield from _hidden(entry)


def remove_leftovers(layout: Layout) -> list[Path]:
    """Remove half-written files and folders of interrupted atomic writes; what was removed."""
    found = [
        *_hidden(layout.raw_dir),
        *_hidden(layout.quarantine_dir),
        *_hidden(layout.marts_versions_dir),
    ]
    found += [
        p
        for folder in (layout.data_dir, layout.dbt_target_path)
        if folder.is_dir()
        for p in folder.glob(".*.tmp")
    ]
    found += list(layout.data_dir.glob(f".{layout.warehouse_path.name}.*"))
    for path in found:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return found


def recover_build_warehouse(layout: Layout) -> str | None:
    """Make the build warehouse a file dbt can open, if a killed dbt left it unclosed; what
    was done, or None when there was nothing to do."""
    build = layout.build_warehouse_path
    wal = build.with_name(build.name + ".wal")
    if not wal.exists():
        return None
    try:
        # Opening replays the log; a checkpoint writes it into the file and removes it.
        with duckdb.connect(str(build)) as con:
            con.execute("checkpoint")
        return f"replayed the log {wal} that a killed dbt left"
    except duckdb.Error as error:
        wal.unlink(missing_ok=True)
        build.unlink(missing_ok=True)
        return f"{build} could not be opened ({error}); removed it, dbt builds it anew"


# The shape of the build's incremental tables. Bump it when a change to an incremental model
# adds, drops or redefines a column: dbt refuses such a table (`on_schema_change='fail'`), so
# the next run rebuilds every model from the raw layer instead (2: the daily downloads'
# `observed_date`, issue 24). A column a model adds with `append_new_columns`, null in its kept
# rows, needs no bump (the observations' columns; the ages' `derived_at`).
BUILD_FORMAT = 2


def rebuild_older_build(layout: Layout) -> str | None:
    """Remove a build warehouse of an older format (none, in a build made before the stamp), so
    dbt builds every model anew; what was done, or None. The raw layer and the published marts
    are not touched."""
    build = layout.build_warehouse_path
    stamp = layout.build_dir / "FORMAT"
    found = stamp.read_text().strip() if stamp.exists() else "1"
    if build.exists() and found != str(BUILD_FORMAT):
        build.unlink()
        build.with_name(build.name + ".wal").unlink(missing_ok=True)
        done = (  # the first line is what the terminal shows (cli/planted.py)
            f"build made by an older version (format {found}, now {BUILD_FORMAT}): every "
            f"model is rebuilt\nremoved {build}; dbt builds every model anew from the raw layer"
        )
    else:
        done = None
    if found != str(BUILD_FORMAT):
        layout.build_dir.mkdir(parents=True, exist_ok=True)
        stamp.write_text(f"{BUILD_FORMAT}\n")
    return done
