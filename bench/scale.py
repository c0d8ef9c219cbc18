"""The pipeline at the Hub's scale: a daily run over N models with 1 and with ~90 days of history
loaded, and a 30-day backfill, each split by stage, with the peak memory of its process tree and
the floor (DuckDB alone on the same daily delta). Issue 14; figures in BENCHMARKS.md.

    .venv/bin/python bench/scale.py [--models 2000000] [--days 91] [--work /tmp/observatory-scale]

The data is the project's demo generator (`simulation/demo`) at `--models` x `--days`, written
once under `--work` (kept there and reused while its spec is unchanged: 2,000,000 x 91 takes
about 6 minutes and 2.3 GB). It runs `observatory run` of the checkout it lives in, as
`bench/stages.py` does, over that folder as recordings (`RECORDINGS_DIR`), in two DATA_DIRs:
- `one-day`: the day before the last loaded (untimed), then the last day: case (a);
- `history`: every day up to 31 days before the last (untimed), then the 30 days before the last
  as one backfill run: case (c), then the last day with the whole history loaded: case (b).
Each timed run reports wall and CPU seconds (process tree, dbt included), the peak resident
memory of the process tree (summed over its processes, sampled every 0.2 s), the load average
before and after, its stages from Dagster's event log (`bench/stages.py`), and dbt's slowest
nodes (`run_results.json`). Results go to `--json` and to the table in `--markdown`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stages import ROOT, floor, parse_dbt_project, stages

sys.path.insert(0, str(ROOT))
from orchestration.lib.layout import MEMORY_LIMIT_ENV
from simulation.demo import DemoSpec, ensure_demo

PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(root: int) -> int:
    """Bytes resident in `root` and all its descendants, now."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, grew = {root}, True
    while grew:
        grown = tree | {pid for pid, parent in parents.items() if parent in tree}
        grew, tree = len(grown) > len(tree), grown
    total = 0
    for pid in tree:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            continue
    return total


# DuckDB takes up to 80 % of the machine's memory by default; the bench caps dbt's (the profile
# reads it) so the process tree stays near the 3 GB target and DuckDB spills beyond it.
DUCKDB_MEMORY_LIMIT = "2GB"
# A 30-day backfill of 2,000,000 models does not fit in 2 GB: `int_hub__model_downloads_daily`
# ran out of memory (DuckDB could not pin a block) while rebuilding 30 days at once. The backfill
# case runs with this limit instead, and its peak memory is reported as measured.
BACKFILL_DUCKDB_MEMORY_LIMIT = "8GB"


def run(
    args: list[str], data_dir: Path, recordings: Path, memory_limit: str = DUCKDB_MEMORY_LIMIT
) -> dict:
    """One `observatory run` of this checkout: wall, CPU, peak tree RSS, load around it."""
    env = {**os.environ, "DATA_DIR": str(data_dir), "SOURCE_MODE": "recorded"}
    env[MEMORY_LIMIT_ENV] = memory_limit
    # dbt's run_results.json (`dbt_nodes`), which a run does not write by default.
    env["DBT_WRITE_JSON"] = "true"
    env.update(PYTHONPATH=str(ROOT), RECORDINGS_DIR=str(recordings))
    env.pop("DAGSTER_HOME", None)
    load_before = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started_at, started = time.time(), time.perf_counter()
    log = (data_dir / f"run-{len(list(data_dir.glob('run-*.log')))}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "run", *args],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    wall = time.perf_counter() - started
    sampler.join()
    log.close()
    if code != 0:
        raise RuntimeError(f"observatory run {' '.join(args)} failed ({code}): see {log.name}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "args": " ".join(args),
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "peak_rss_mib": round(peak[0] / 2**20),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "duckdb_memory_limit": memory_limit,
        "started_at": started_at,
    }


def timed(
    name: str,
    first: dt.date,
    last: dt.date,
    data_dir: Path,
    recordings: Path,
    memory_limit: str = DUCKDB_MEMORY_LIMIT,
) -> dict:
    days = ["--start", first.isoformat(), "--end", last.isoformat()]
    result = run(days, data_dir, recordings, memory_limit)
    split, events = stages(data_dir, result["wall_seconds"], result.pop("started_at"))
    result.update(case=name, days=f"{first} .. {last}", stages_seconds=split, events=events)
    result["dbt_nodes"] = dbt_nodes(data_dir)
    print(json.dumps(result, indent=2), flush=True)
    return result


def dbt_nodes(data_dir: Path, top: int = 12) -> dict:
    """dbt's own timing of the newest build: the sum over nodes and the slowest ones."""
    folders = sorted((data_dir / "build" / "dbt").glob("dbt_models-*/run_results.json"))
    if not folders:
        return {}
    newest = max(folders, key=lambda p: p.stat().st_mtime)
    results = json.loads(newest.read_text())
    times = sorted(
        ((r["unique_id"].split(".", 2)[-1], r["execution_time"]) for r in results["results"]),
        key=lambda pair: -pair[1],
    )
    return {
        "nodes": len(times),
        "summed_seconds": round(sum(t for _, t in times), 1),
        "elapsed_seconds": round(results.get("elapsed_time", 0.0), 1),
        "slowest": {name: round(t, 2) for name, t in times[:top]},
    }


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text()
    total_kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    versions = {
        name: metadata.version(name)
        for name in ("dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "duckdb", "polars")
    }
    return {
        "platform": f"{platform.machine()}, {platform.system()} {platform.release()}",
        "cores": os.cpu_count(),
        "memory_gib": round(total_kib / 2**20, 1),
        "python": platform.python_version(),
        "versions": versions,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=2_000_000)
    parser.add_argument("--days", type=int, default=91, help="days of generated history")
    parser.add_argument(
        "--start",
        type=dt.date.fromisoformat,
        default=DemoSpec.start,
        help="the first generated day (a year of history must end before today: later days are "
        "future-dated and quarantined)",
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/observatory-scale"))
    parser.add_argument("--cases", default="a,b,c", help="which cases: a (1 day), b and c")
    parser.add_argument("--json", type=Path, default=None, help="default: <work>/scale-N.json")
    parser.add_argument("--markdown", type=Path, default=None, help="e.g. BENCHMARKS.md")
    parser.add_argument(
        "--keep-setup",
        action="store_true",
        help="b, c: reuse the history folder's loaded days (after a failed backfill) instead of "
        "loading them again: the published warehouse of the setup is restored into the build and "
        "the raw days from the backfill's first on are removed",
    )
    parser.add_argument(
        "--history-memory-limit",
        default=DUCKDB_MEMORY_LIMIT,
        help="DuckDB's cap in case b (with 2 GB the daily run over 90 days of 2,000,000 models "
        "ran out of memory in int_hub__model_observations)",
    )
    parser.add_argument(
        "--from-json", type=Path, default=None, help="only write --markdown from a report's JSON"
    )
    arguments = parser.parse_args()
    if arguments.from_json:
        write_markdown(arguments.markdown, markdown(json.loads(arguments.from_json.read_text())))
        print(f"wrote {arguments.markdown}")
        return 0
    spec = DemoSpec(
        models=arguments.models,
        days=arguments.days,
        start=arguments.start,
        price_days=max(DemoSpec.price_days, arguments.days),
    )
    work = arguments.work.resolve()
    recordings = work / f"demo-{spec.models}x{spec.days}"
    started = time.perf_counter()
    made = ensure_demo(recordings, spec)
    generated = round(time.perf_counter() - started, 1)
    print(f"demo data {recordings}: {'generated in' if made else 'kept'} {generated} s", flush=True)
    summary = json.loads((recordings / "DEMO.json").read_text())["summary"]
    days = [dt.date.fromisoformat(d) for d in summary["hub_days"]]
    last, previous = days[-1], days[-2]
    backfill_first = last - dt.timedelta(days=30)
    cases = set(arguments.cases.split(","))
    report: dict = {
        "command": " ".join(["bench/scale.py", *sys.argv[1:]]),
        "commit": subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip(),
        "machine": machine(),
        "models": spec.models,
        "generated_days": spec.days,
        "generation_seconds": generated if made else None,
        "duckdb_memory_limit": DUCKDB_MEMORY_LIMIT,
        "runs": [],
    }
    if "a" in cases:
        data_dir = work / f"data-{spec.models}-one-day"
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
        parse_dbt_project(data_dir)
        load = run(
            ["--start", previous.isoformat(), "--end", previous.isoformat()], data_dir, recordings
        )
        load.pop("started_at")
        report["runs"].append({"case": "load 1 day (untimed setup)", **load})
        report["runs"].append(timed("a: daily run, 1 day loaded", last, last, data_dir, recordings))
    if cases & {"b", "c"}:
        data_dir = work / f"data-{spec.models}-history"
        load_end = backfill_first - dt.timedelta(days=1)
        if arguments.keep_setup and setup_build(data_dir).exists():
            if "c" in cases:
                restore_setup(data_dir, backfill_first)
            kept = "setup kept" if "c" in cases else "setup and backfill kept"
            report["runs"].append({"case": f"load {days[0]} .. {load_end} ({kept})"})
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
            data_dir.mkdir(parents=True)
            parse_dbt_project(data_dir)
            # A first build of 60 days is a backfill too: at 2 GB its uniqueness test of the
            # daily downloads (108 million rows) ran out of memory (2026-12-07).
            load = run(
                ["--start", days[0].isoformat(), "--end", load_end.isoformat()],
                data_dir,
                recordings,
                BACKFILL_DUCKDB_MEMORY_LIMIT,
            )
            load.pop("started_at")
            report["runs"].append({"case": f"load {days[0]} .. {load_end} (setup)", **load})
            # Kept for `--keep-setup`: the published marts are no copy of the build.
            shutil.copyfile(data_dir / "build" / "warehouse.duckdb", setup_build(data_dir))
        if "c" in cases:
            report["runs"].append(
                timed(
                    "c: 30-day backfill",
                    backfill_first,
                    previous,
                    data_dir,
                    recordings,
                    BACKFILL_DUCKDB_MEMORY_LIMIT,
                )
            )
        if "b" in cases:
            loaded = (previous - days[0]).days + 1
            name = f"b: daily run, {loaded} days loaded"
            limit = arguments.history_memory_limit
            report["runs"].append(timed(name, last, last, data_dir, recordings, limit))
    report["floor_seconds"] = floor(recordings, last, previous)
    out = arguments.json or work / f"scale-{spec.models}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")
    if arguments.markdown:
        write_markdown(arguments.markdown, markdown(report))
        print(f"wrote {arguments.markdown}")
    return 0


def setup_build(data_dir: Path) -> Path:
    return data_dir / "setup-build.duckdb"


def restore_setup(data_dir: Path, first_removed: dt.date) -> None:
    """The history folder as the setup left it: the build warehouse the setup's run left, and no
    raw day from `first_removed` on."""
    shutil.copyfile(setup_build(data_dir), data_dir / "build" / "warehouse.duckdb")
    for day_folder in (data_dir / "raw").glob("*/snapshot_date=*"):
        if dt.date.fromisoformat(day_folder.name.split("=", 1)[1]) >= first_removed:
            shutil.rmtree(day_folder)


BEGIN, END = "<!-- bench/scale.py: begin -->", "<!-- bench/scale.py: end -->"


def write_markdown(path: Path, table: str) -> None:
    """The generated table between the markers of `path`, the prose around it kept."""
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    path.write_text(f"{head}{BEGIN}\n{table}{END}{tail}")


def markdown(report: dict) -> str:
    m = report["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    lines = [
        f"Command: `{report['command']}` ({report['models']:,} models, "
        f"{report['generated_days']} generated days), at commit {report.get('commit') or '?'}",
        f"Machine: {m['platform']}, {m['cores']} cores, {m['memory_gib']} GiB; "
        f"python {m['python']}, {versions}.",
        "",
        "| run | wall | CPU | peak RSS (tree) | load before/after | DuckDB floor | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in report["runs"]:
        timed_run = "stages_seconds" in r
        ratio = f"{r['wall_seconds'] / report['floor_seconds']:,.0f}" if timed_run else ""
        floor_text = f"{report['floor_seconds']} s" if timed_run else ""
        lines.append(
            f"| {r['case']} ({r['args'] if 'args' in r else r['days']}) | {r['wall_seconds']} s | "
            f"{r['cpu_seconds']} s | {r['peak_rss_mib']:,} MiB | {r['load_before']} / "
            f"{r['load_after']} | {floor_text} | {ratio} |"
        )
    one_day = next((r for r in report["runs"] if r["case"].startswith("a:")), None)
    history = next((r for r in report["runs"] if r["case"].startswith("b:")), None)
    if one_day and history:
        lines += [
            "",
            f"The daily run with the history loaded against the one with 1 day (target 1.3 x): "
            f"wall {history['wall_seconds'] / one_day['wall_seconds']:.2f} x, "
            f"CPU {history['cpu_seconds'] / one_day['cpu_seconds']:.2f} x, "
            f"peak memory {history['peak_rss_mib'] / one_day['peak_rss_mib']:.2f} x.",
        ]
    for r in report["runs"]:
        if "stages_seconds" not in r:
            continue
        lines += ["", f"Stages of `{r['case']}` ({r['events']} Dagster events):", ""]
        lines += [f"- {name}: {s} s" for name, s in r["stages_seconds"].items()]
        nodes = r.get("dbt_nodes") or {}
        if nodes:
            lines.append(
                f"- dbt: {nodes['nodes']} nodes, {nodes['summed_seconds']} s summed node time, "
                f"{nodes['elapsed_seconds']} s elapsed; slowest: "
                + ", ".join(f"{n} {s} s" for n, s in nodes["slowest"].items())
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
