"""Time the pipeline on the generated demo data: cold, warm (same data again), one day.

    .venv/bin/python bench/run_bench.py [--repeat 1] [--recordings ../shared/data]

With `--recordings` the same cases run on a folder of real recordings instead (the one-day case
is then the newest Hub day of that folder).

Each case runs `observatory run` as a subprocess in a fresh temporary DATA_DIR (the warm and
one-day cases reuse the cold one), and reports wall time and the peak resident memory of the
process tree (children's max RSS, from getrusage). Results go to stdout and to
bench/results.json; bench/README.md keeps the figures of record.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OBSERVATORY = Path(sys.executable).parent / "observatory"


def cases(recordings: Path | None) -> list[tuple[str, list[str]]]:
    if recordings is None:
        from simulation.demo import DemoSpec

        last = DemoSpec().end.isoformat()
    else:
        last = max(p.stem for p in (recordings / "hub" / "daily").glob("*.parquet"))
    return [
        ("cold: every day, empty DATA_DIR", []),
        ("warm: the same days again", []),
        (f"one day: {last}", ["--start", last, "--end", last]),
    ]


def run_case(args: list[str], data_dir: Path, recordings: Path | None) -> tuple[float, float]:
    env = {**os.environ, "DATA_DIR": str(data_dir), "SOURCE_MODE": "recorded"}
    env.pop("DAGSTER_HOME", None)
    env.pop("RECORDINGS_DIR", None)
    if recordings is not None:
        env["RECORDINGS_DIR"] = str(recordings.resolve())
    started = time.perf_counter()
    subprocess.run(
        [str(OBSERVATORY), "run", *args], env=env, check=True, capture_output=True, cwd=ROOT
    )
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak_mib


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--recordings", type=Path, help="a folder of real recordings")
    arguments = parser.parse_args()
    repeat, recordings = arguments.repeat, arguments.recordings
    results = []
    for attempt in range(repeat):
        with tempfile.TemporaryDirectory(prefix="observatory-bench-") as tmp:
            for name, args in cases(recordings):
                seconds, peak_mib = run_case(args, Path(tmp), recordings)
                results.append(
                    {
                        "case": name,
                        "attempt": attempt,
                        "seconds": round(seconds, 1),
                        "peak_rss_mib_so_far": round(peak_mib),
                    }
                )
                print(f"{name:<34} {seconds:6.1f} s   peak RSS so far {peak_mib:6.0f} MiB")
    (ROOT / "bench" / "results.json").write_text(
        json.dumps(
            {
                "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                "data": str(recordings) if recordings else "generated demo data",
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
