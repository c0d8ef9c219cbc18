"""Publishing the warehouse: dbt builds in a private file, readers get a finished copy, and
every mart as a Parquet file beside it.

DuckDB lets one process write a file, and any open connection, even a read-only one, keeps a
writer out. So dbt never writes the file analysts read: it builds `$DATA_DIR/build/
warehouse.duckdb`, and only after a successful `dbt build` (models and tests) is that file
copied beside `$DATA_DIR/warehouse.duckdb` and renamed over it. Readers holding the old file
keep reading it undisturbed; new connections see the new marts; a failed run publishes
nothing, so the marts of the last good run stay as they were.

The Parquet copies are for tools that do not speak DuckDB: `$DATA_DIR/marts/<mart>.parquet`,
one file per table or view of schema `marts`, rows in a stable order (the same bytes for the
same marts). They are exported from the very copy about to be published, into a new folder
`$DATA_DIR/marts-versions/<UTC time>/` that appears whole (`ingestion.atomic`), and
`$DATA_DIR/marts` is a symbolic link renamed onto it in one step: a reader sees the whole old
set or the whole new set, never a mix or half a file. Then the warehouse is renamed over its
old copy. `_published.json` in the folder names the warehouse it was exported from (SHA-256):
a crash between the two renames leaves the Parquet set one run ahead, which
`marts_match_warehouse` tells and `republish_marts` puts right (the next `observatory run`
does it). The previous version is kept for readers still opening files through the old link;
older ones are removed. Files and folders follow the umask (readable by other accounts).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb

from ingestion.atomic import published_mode, replacing
from orchestration.lib.layout import MEMORY_LIMIT_ENV, Layout

MARTS_SCHEMA = "marts"
PUBLISHED_FILE = "_published.json"
KEPT_VERSIONS = 2  # the current one and the one before it


def publish_warehouse(build: Path, published: Path) -> Path:
    """Publish `build` as `published` (`Layout.warehouse_path`), and its marts as Parquet in
    the same DATA_DIR's `Layout.marts_dir`."""
    if not build.exists():
        raise FileNotFoundError(f"no built warehouse at {build}: dbt has not run here yet")
    wal = build.with_name(build.name + ".wal")
    if wal.exists():
        raise RuntimeError(f"{wal} exists: dbt did not close {build} cleanly; not publishing it")
    layout = Layout(published.parent)
    # Readable by every account: analysts open it from their own (the README says how).
    with replacing(published) as tmp:
        shutil.copyfile(build, tmp)
        link_marts(layout.marts_dir, export_marts(tmp, layout.marts_versions_dir))
    return published


def export_marts(warehouse: Path, versions: Path) -> Path:
    """Every table and view of schema `marts` of `warehouse` as `<name>.parquet` in a new
    folder under `versions`, which appears whole; the folder."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    version = versions / stamp
    digest = file_sha256(warehouse)
    with replacing(version, folder=True) as folder:
        limit = os.environ.get(MEMORY_LIMIT_ENV)
        config = {"memory_limit": limit} if limit else {}
        with duckdb.connect(str(warehouse), read_only=True, config=config) as con:
            names = [
                name
                for (name,) in con.execute(
                    "select table_name from information_schema.tables "
                    "where table_schema = ? order by table_name",
                    [MARTS_SCHEMA],
                ).fetchall()
            ]
            for name in names:
                target = (folder / f"{name}.parquet").as_posix().replace("'", "''")
                con.execute(
                    f'copy (select * from {MARTS_SCHEMA}."{name}" order by all) '
                    f"to '{target}' (format parquet)"
                )
        (folder / PUBLISHED_FILE).write_text(
            json.dumps({"warehouse_sha256": digest, "marts": names}, indent=2) + "\n"
        )
        for path in folder.iterdir():
            path.chmod(published_mode())
    return version


def link_marts(marts: Path, version: Path) -> None:
    """Point `marts` at `version` in one rename; drop versions older than the previous one."""
    link = marts.with_name(f".{marts.name}.link.tmp")
    link.unlink(missing_ok=True)
    link.symlink_to(version.relative_to(marts.parent))
    if marts.is_dir() and not marts.is_symlink():
        # A real folder cannot be renamed over; only a layout older than this code has one.
        shutil.rmtree(marts)
    os.replace(link, marts)
    versions = sorted(p for p in version.parent.iterdir() if not p.name.startswith("."))
    for old in versions[:-KEPT_VERSIONS]:
        shutil.rmtree(old, ignore_errors=True)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def marts_match_warehouse(layout: Layout) -> bool:
    """Whether the published Parquet set was exported from the published warehouse (True when
    nothing is published yet)."""
    if not layout.warehouse_path.exists():
        return True
    stamp = layout.marts_dir / PUBLISHED_FILE
    try:
        recorded = json.loads(stamp.read_text())["warehouse_sha256"]
    except (OSError, ValueError, KeyError):
        return False
    return recorded == file_sha256(layout.warehouse_path)


def republish_marts(layout: Layout) -> Path:
    """Export the published warehouse's marts again and link them (after a crash between the
    two renames of a publish); the new version folder."""
    version = export_marts(layout.warehouse_path, layout.marts_versions_dir)
    link_marts(layout.marts_dir, version)
    return version
