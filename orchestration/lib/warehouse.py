"""Publishing the warehouse: dbt builds in a private file, readers get a finished copy.

DuckDB lets one process write a file, and any open connection, even a read-only one, keeps a
writer out. So dbt never writes the file analysts read: it builds `$DATA_DIR/build/
warehouse.duckdb`, and only after a successful `dbt build` (models and tests) is that file
copied beside `$DATA_DIR/warehouse.duckdb` and renamed over it. Readers holding the old file
keep reading it undisturbed; new connections see the new marts; a failed run publishes
nothing, so the marts of the last good run stay as they were.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ingestion.atomic import replacing


def publish_warehouse(build: Path, published: Path) -> Path:
    if not build.exists():
        raise FileNotFoundError(f"no built warehouse at {build}: dbt has not run here yet")
    wal = build.with_name(build.name + ".wal")
    if wal.exists():
        raise RuntimeError(f"{wal} exists: dbt did not close {build} cleanly; not publishing it")
    # Readable by every account: analysts open it from their own (the README says how).
    with replacing(published) as tmp:
        shutil.copyfile(build, tmp)
    return published
