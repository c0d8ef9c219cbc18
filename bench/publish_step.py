"""The publish step alone, on the build warehouse of an existing DATA_DIR (one of
`bench/scale.py`'s, say), without the rest of a run:

    .venv/bin/python bench/publish_step.py DATA_DIR [--scratch /tmp/observatory-publish]

Copies DATA_DIR's `build/warehouse.duckdb` into a scratch DATA_DIR and times
`orchestration.lib.warehouse.publish_warehouse` of the checkout it lives in (so an older
worktree measures the code before a change) three times: the first publish (nothing published
yet), the same build again (a rerun that changed nothing), and after the newest day of the daily
fact was derived again (`derived_at` moved, the rows the same, as a daily run's rebuilt day
with an unchanged counter). DuckDB's memory is capped as `bench/scale.py` caps it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from orchestration.lib.layout import MEMORY_LIMIT_ENV, Layout  # noqa: E402
from orchestration.lib.warehouse import publish_warehouse  # noqa: E402

DUCKDB_MEMORY_LIMIT = "2GB"


def timed(layout: Layout) -> float:
    started = time.perf_counter()
    publish_warehouse(layout.build_warehouse_path, layout.warehouse_path)
    return round(time.perf_counter() - started, 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/observatory-publish"))
    arguments = parser.parse_args()
    os.environ.setdefault(MEMORY_LIMIT_ENV, DUCKDB_MEMORY_LIMIT)
    shutil.rmtree(arguments.scratch, ignore_errors=True)
    layout = Layout(arguments.scratch.resolve())
    layout.build_dir.mkdir(parents=True)
    shutil.copyfile(Layout(arguments.data_dir).build_warehouse_path, layout.build_warehouse_path)
    size = layout.build_warehouse_path.stat().st_size / 2**20
    print(f"build warehouse: {size:.0f} MiB; code: {ROOT}")
    print(f"first publish: {timed(layout)} s")
    print(f"again, nothing changed: {timed(layout)} s")
    with duckdb.connect(str(layout.build_warehouse_path)) as con:
        con.execute(
            "update intermediate.int_hub__model_downloads_daily set derived_at = now()::timestamp "
            "where download_date = (select max(download_date) "
            "from intermediate.int_hub__model_downloads_daily)"
        )
    print(f"the newest day derived again: {timed(layout)} s")
    shutil.rmtree(arguments.scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
