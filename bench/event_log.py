"""What the event log's kept engines save (`orchestration/lib/event_log.py`): the test demo's
60-day run, as `make test`'s pipeline tests run it (in a process that ran one before, so no
import is counted), with Dagster's own event log storage and with ours, in turns.

    .venv/bin/python bench/event_log.py [--pairs 3] [--json bench/event-log.json]

Each run goes into a fresh DATA_DIR under a temporary folder, on the same generated demo (the
sizes of tests/plugins/demo.py). Measured per run: wall seconds, the CPU seconds of this
process (Dagster, the ingestion, the event log) and of its children (dbt).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = {"DEMO_DAYS": "60", "DEMO_PRICE_DAYS": "60", "DEMO_RANKINGS_DAYS": "21"}


def cpu_seconds() -> tuple[float, float]:
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    os.environ.update(SIZES)
    os.environ["SOURCE_MODE"] = "recorded"
    os.environ.pop("DAGSTER_HOME", None)
    os.environ.pop("RECORDINGS_DIR", None)
    from dagster._core.storage.event_log import SqliteEventLogStorage

    from cli.main import main as observatory
    from orchestration.lib.event_log import PooledSqliteEventLogStorage

    kept = (
        PooledSqliteEventLogStorage.run_connection,
        PooledSqliteEventLogStorage.index_connection,
    )
    dagsters = (SqliteEventLogStorage.run_connection, SqliteEventLogStorage.index_connection)
    work = Path(tempfile.mkdtemp(prefix="observatory-event-log-"))

    def run(name: str, connections) -> dict:
        PooledSqliteEventLogStorage.run_connection, PooledSqliteEventLogStorage.index_connection = (
            connections
        )
        data_dir = Path(tempfile.mkdtemp(dir=work))
        os.environ["DATA_DIR"] = str(data_dir)
        (own, children), started = cpu_seconds(), time.monotonic()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert observatory(["run"]) == 0, f"the run in {data_dir} failed"
        wall = time.monotonic() - started
        own_after, children_after = cpu_seconds()
        shutil.rmtree(data_dir)
        row = {
            "storage": name,
            "wall_seconds": round(wall, 1),
            "process_cpu_seconds": round(own_after - own, 1),
            "dbt_cpu_seconds": round(children_after - children, 1),
        }
        print(json.dumps(row), flush=True)
        return row

    try:
        run("warm-up (not counted)", kept)
        rows = [
            row
            for _ in range(args.pairs)
            for row in (run("dagster", dagsters), run("kept engines", kept))
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    medians = {
        name: {
            key: statistics.median(row[key] for row in rows if row["storage"] == name)
            for key in ("wall_seconds", "process_cpu_seconds", "dbt_cpu_seconds")
        }
        for name in ("dagster", "kept engines")
    }
    print(json.dumps({"medians": medians}, indent=2))
    if args.json:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
        args.json.write_text(
            json.dumps(
                {
                    "commit": commit,
                    "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                    "load_after": round(os.getloadavg()[0], 2),
                    "runs": rows,
                    "medians": medians,
                },
                indent=2,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
