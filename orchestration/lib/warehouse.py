"""Publishing the marts: dbt builds in a private file; analysts read the marts as Parquet files
of a version folder, through a small DuckDB file of views over them.

DuckDB lets one process write a file, and any open connection, even a read-only one, keeps a
writer out. So dbt never writes what analysts read: it builds `$DATA_DIR/build/warehouse.duckdb`,
and only after a successful `dbt build` (models and tests) is a new version of the marts
published. Copying the build file would cost its whole size every run (5 GB at 90 days of the
whole Hub), so only the marts go out, and only what changed (`orchestration.lib.marts_files`):

    marts-versions/<UTC time>/<mart>.parquet, <fact>/YYYY-MM.parquet, _published.json
    marts -> marts-versions/<UTC time>         (a symbolic link, renamed in one step)
    warehouse.duckdb                           (views `marts.<mart>` over that version's files)

A version is written under a hidden name and renamed whole; unchanged files are hard links
into the version before. Then `marts` is pointed at it, then `warehouse.duckdb` is replaced by
a new file of views naming the version's folder (with every description as a comment, and
`publication.version` saying which version it is). A reader never waits (nothing it has open
is written) and never sees a mix: a connection opened before a publish keeps the views of its
version, whose files stay for `KEEP_SUPERSEDED` after they are replaced (at most
`MAX_VERSIONS` versions). A failed run publishes nothing; a crash between the two renames is
put right by `repair_publication` (the next `observatory run` does it).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.atomic import replacing
from orchestration.lib.layout import MEMORY_LIMIT_ENV, Layout
from orchestration.lib.marts_composed import view_sql
from orchestration.lib.marts_files import (
    MARTS_SCHEMA,
    literal,
    quoted,
    read_manifest,
    write_version,
)

PUBLICATION_TABLE = "publication.version"
STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
# A session opened before a publish reads its version for a day; loops of runs (a backfill day
# by day, the soak) are bounded by the count.
KEEP_SUPERSEDED = dt.timedelta(hours=24)
MAX_VERSIONS = 8


@dataclass(frozen=True)
class Publication:
    version: Path
    written: tuple[str, ...]
    linked: tuple[str, ...]


def publish_warehouse(build: Path, published: Path) -> Publication:
    """Publish the marts of `build` as a new version, read through `published`
    (`Layout.warehouse_path`) and the same DATA_DIR's `Layout.marts_dir`."""
    if not build.exists():
        raise FileNotFoundError(f"no built warehouse at {build}: dbt has not run here yet")
    wal = build.with_name(build.name + ".wal")
    if wal.exists():
        raise RuntimeError(f"{wal} exists: dbt did not close {build} cleanly; not publishing it")
    layout = Layout(published.parent)
    previous = current_version(layout)
    version = layout.marts_versions_dir / dt.datetime.now(dt.UTC).strftime(STAMP_FORMAT)
    with replacing(version, folder=True) as folder:
        limit = os.environ.get(MEMORY_LIMIT_ENV)
        config = {"memory_limit": limit} if limit else {}
        with duckdb.connect(str(build), read_only=True, config=config) as con:
            manifest, written, linked = write_version(con, folder, previous)
    link_marts(layout.marts_dir, version)
    write_views(published, version, manifest)
    prune_versions(layout.marts_versions_dir, version)
    return Publication(version, tuple(written), tuple(linked))


def current_version(layout: Layout) -> tuple[Path, dict] | None:
    """The version `marts` points at and its manifest; None if there is none to build on."""
    if not layout.marts_dir.is_symlink():
        return None
    version = layout.marts_dir.resolve()
    manifest = read_manifest(version)
    return None if manifest is None else (version, manifest)


def write_views(published: Path, version: Path, manifest: dict) -> None:
    """Replace `published` by a DuckDB file of views over `version`'s files, described."""
    version = version.resolve()
    with replacing(published) as tmp:
        tmp.unlink()  # DuckDB creates its file; an empty one is not a database to it
        with duckdb.connect(str(tmp)) as con:
            con.execute(f"create schema {MARTS_SCHEMA}")
            for name, mart in manifest["marts"].items():
                files = version / (
                    f"{name}/*.parquet" if mart["partitioned"] else f"{name}.parquet"
                )
                view = f"{MARTS_SCHEMA}.{quoted(name)}"
                if "sql" in mart:  # a view over its parts (orchestration.lib.marts_composed)
                    parts = {part: str(version / glob) for part, glob in mart["parts"].items()}
                    con.execute(f"create view {view} as {view_sql(mart['sql'], parts)}")
                else:
                    con.execute(
                        f"create view {view} as select * from read_parquet({literal(str(files))})"
                    )
                if mart["comment"]:
                    con.execute(f"comment on view {view} is {literal(mart['comment'])}")
                for column, comment in mart["columns"]:
                    if comment:
                        con.execute(
                            f"comment on column {view}.{quoted(column)} is {literal(comment)}"
                        )
            con.execute(
                f"create schema publication; create table {PUBLICATION_TABLE} as select "
                f"{literal(version.name)} as version, {literal(str(version))} as folder"
            )


def link_marts(marts: Path, version: Path) -> None:
    """Point `marts` at `version` in one rename."""
    link = marts.with_name(f".{marts.name}.link.tmp")
    link.unlink(missing_ok=True)
    link.symlink_to(version.relative_to(marts.parent))
    if marts.is_dir() and not marts.is_symlink():
        # A real folder cannot be renamed over; only a layout older than this code has one.
        shutil.rmtree(marts)
    os.replace(link, marts)


def prune_versions(versions: Path, current: Path, now: dt.datetime | None = None) -> None:
    """Remove the versions replaced more than `KEEP_SUPERSEDED` ago, and all but the newest
    `MAX_VERSIONS`; never `current` nor the one before it."""
    now = now or dt.datetime.now(dt.UTC)
    names = sorted(p.name for p in versions.iterdir() if not p.name.startswith("."))
    older = names[: names.index(current.name)]
    for index, name in enumerate(older[:-1]):
        replaced = stamp_time(older[index + 1])
        too_many = len(older) - index >= MAX_VERSIONS
        if too_many or replaced is None or now - replaced > KEEP_SUPERSEDED:
            shutil.rmtree(versions / name, ignore_errors=True)


def stamp_time(name: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(name, STAMP_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def publication_matches(layout: Layout) -> bool:
    """Whether `warehouse.duckdb` reads the version `marts` points at, in this DATA_DIR (True
    when nothing, or a layout older than this code, is published)."""
    current = current_version(layout)
    if current is None:
        return True
    try:
        with duckdb.connect(str(layout.warehouse_path), read_only=True) as con:
            found = con.execute(f"select folder from {PUBLICATION_TABLE}").fetchone()
    except duckdb.Error:
        return False
    return found is not None and Path(found[0]) == current[0]


def repair_publication(layout: Layout) -> Path:
    """Write `warehouse.duckdb` again over the version `marts` points at (after a crash between
    the two renames of a publish, or a DATA_DIR moved elsewhere); that version."""
    current = current_version(layout)
    if current is None:
        raise FileNotFoundError(f"no published version of the marts at {layout.marts_dir}")
    write_views(layout.warehouse_path, *current)
    return current[0]
