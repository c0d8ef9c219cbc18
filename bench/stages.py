"""Where a run's time goes, stage by stage, from Dagster's own event log, and the floor: the same
daily delta computed by DuckDB alone.

    .venv/bin/python bench/stages.py [--recordings ../shared/data] [--days 1] [--out FILE]

It runs `observatory run` of the checkout it lives in (so an older worktree measures the code
before a change) twice in a fresh DATA_DIR: once over every day (to load the history),
then over the last `--days` days, as the daily schedule does, and splits the second run's wall
time into:
- start: process start to the run's first event (imports, building the definitions);
- each step (the raw assets, dbt, publishing), from its STEP_START to its STEP_SUCCESS in the
  run's event log;
- Dagster between steps (planning, events, IO), the rest of the run;
- after: the run's end to the process end (the summary printed from the marts).

The floor is what DuckDB alone takes for the same daily delta: read the day's and the previous
snapshot's Parquet, join them by model, subtract the all-time counters and sum by organisation.
It also reports the CPU seconds of each run's process tree (dbt included), which a busy
machine inflates less than wall time, and the number of events the run wrote to Dagster's
storage. Results are printed and written to bench/stages.json (or `--out`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg
import duckdb

ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str], data_dir: Path, recordings: Path | None) -> tuple[float, float, float]:
    """Wall seconds of one `observatory run` of this checkout's code, its start as a UNIX time,
    and the CPU seconds (user + system) of its process tree: less sensitive than wall time to
    whatever else the machine is doing."""
    env = {**os.environ, "DATA_DIR": str(data_dir), "SOURCE_MODE": "recorded"}
    env["PYTHONPATH"] = str(ROOT)
    env.pop("DAGSTER_HOME", None)
    env.pop("RECORDINGS_DIR", None)
    if recordings is not None:
        env["RECORDINGS_DIR"] = str(recordings.resolve())
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started_at = time.time()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cli.main", "run", *args],
        env=env,
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, started_at, cpu


def parse_dbt_project(data_dir: Path) -> None:
    """The manifest the definitions load, for this checkout (what `make` does first)."""
    subprocess.run(
        [sys.executable, "-m", "cli.main", "exec", "dbt", "parse", "--quiet"],
        env={**os.environ, "DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
        cwd=ROOT / "dbt_project",
    )


def stages(data_dir: Path, wall: float, started_at: float) -> tuple[dict[str, float], int]:
    """The newest run's time by stage, from the event log in `$DATA_DIR/dagster`, and how many
    events the run wrote there."""
    instance = dg.DagsterInstance.from_config(str(data_dir / "dagster"))
    (record,) = instance.get_run_records(limit=1)
    events = instance.all_logs(record.dagster_run.run_id)
    first, last = events[0].timestamp, events[-1].timestamp
    starts: dict[str, float] = {}
    result: dict[str, float] = {"start (imports, definitions)": first - started_at}
    for event in events:
        kind = event.dagster_event_type
        if kind == dg.DagsterEventType.STEP_START:
            starts[event.step_key] = event.timestamp
        elif kind == dg.DagsterEventType.STEP_SUCCESS:
            result[f"step {event.step_key}"] = event.timestamp - starts[event.step_key]
    in_steps = sum(v for k, v in result.items() if k.startswith("step "))
    result["dagster between steps"] = (last - first) - in_steps
    result["after (summary)"] = started_at + wall - last
    return {name: round(seconds, 2) for name, seconds in result.items()}, len(events)


def floor(recordings: Path, day: dt.date, before: dt.date | None = None) -> float:
    """DuckDB alone: the day's downloads delta by organisation, from the day's snapshot and the
    one of `before` (else the newest snapshot before the day)."""
    daily = recordings / "hub" / "daily"
    previous = (
        daily / f"{before.isoformat()}.parquet"
        if before is not None
        else max(p for p in daily.glob("*.parquet") if p.stem < day.isoformat())
    )
    started = time.perf_counter()
    with duckdb.connect() as con:
        con.execute(
            """
            select today.author, sum(today.downloadsAllTime - before.downloadsAllTime)
            from read_parquet(?) as today
            inner join read_parquet(?) as before on today.id = before.id
            group by today.author
            """,
            [str(daily / f"{day.isoformat()}.parquet"), str(previous)],
        ).fetchall()
    return round(time.perf_counter() - started, 3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recordings", type=Path, help="a folder of real recordings")
    parser.add_argument("--days", type=int, default=1, help="days of the daily run")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "stages.json", help="where to write"
    )
    arguments = parser.parse_args()
    recordings = arguments.recordings
    with tempfile.TemporaryDirectory(prefix="observatory-stages-") as tmp:
        data_dir = Path(tmp)
        parse_dbt_project(data_dir)
        history_wall, _, history_cpu = run([], data_dir, recordings)
        folder = recordings or data_dir / "demo"
        last = max(
            dt.date.fromisoformat(p.stem) for p in (folder / "hub" / "daily").glob("*.parquet")
        )
        first = last - dt.timedelta(days=arguments.days - 1)
        wall, started_at, cpu = run(
            ["--start", first.isoformat(), "--end", last.isoformat()], data_dir, recordings
        )
        split, events = stages(data_dir, wall, started_at)
        duckdb_floor = floor(folder, last)
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}",
        "data": str(recordings) if recordings else "generated demo data",
        "history_run_seconds": round(history_wall, 1),
        "history_run_cpu_seconds": round(history_cpu, 1),
        "daily_run": f"{first} .. {last}",
        "daily_run_seconds": round(wall, 1),
        "daily_run_cpu_seconds": round(cpu, 1),
        "daily_run_dagster_events": events,
        "stages_seconds": split,
        "duckdb_floor_seconds": duckdb_floor,
        "ratio_to_floor": round(wall / duckdb_floor),
    }
    print(json.dumps(report, indent=2))
    arguments.out.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
