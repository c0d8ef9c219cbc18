"""The Hub gate on one day of the whole Hub: the time and memory of validating 2,000,000 models
against the previous day, as the Hub asset does it (issue 24, "Validation at scale").

    .venv/bin/python bench/validate_day.py [--models 2000000] [--work /tmp/observatory-validate]

The days are the demo generator's (`simulation/demo`, as `bench/scale.py`), three of them, kept
under `--work` and reused while their spec is unchanged (2,000,000 models: about a minute).
Each case runs in a fresh Python process, so its memory is its own: it reads the last day and
the previous day's compared columns as the asset does (`read_snapshot_file`; the baseline keeps
`id` and `downloadsAllTime`), imports GX and warms the validator up on a small day (the import,
about 3 s, is paid once per run and is not the gate's), then times `validate_hub_snapshot`:
wall and CPU seconds, and the process's resident memory sampled every 10 ms, as the peak above
what it held before the call (the frames already read), as what it still holds above that
once the call returned (garbage collected), and as the process's peak. The GX suite
is also timed on its own (`SuiteValidator.validate`), and so is what the gate does next with an
accepted day (`admit_or_quarantine`: the rows' digest and the raw layer's Parquet file). Cases:
- `normal`: the generated day, which passes;
- `no_lifetime_counter`: the same day without `downloadsAllTime` (an old hub-stats revision has
  only the 30-day counter): the warning `downloads_all_time_present` fails on every row, and the
  comparisons with the previous day find no counter to compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CASES = ("normal", "no_lifetime_counter")
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE


class PeakRss:
    """The highest resident memory of this process while the block runs (sampled)."""

    def __enter__(self) -> PeakRss:
        self.start = self.peak = rss()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._done.wait(0.01):
            self.peak = max(self.peak, rss())

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, rss())


def child(folder: Path, case: str) -> dict:
    import polars as pl

    from ingestion.hub.quality import hub_snapshot_suite, validate_hub_snapshot
    from ingestion.hub.recorded import read_snapshot_file
    from ingestion.quality.expectations import shared_validator
    from ingestion.quality.gate import admit_or_quarantine
    from ingestion.quality.quarantine import Quarantine
    from ingestion.raw_store import RawStore
    from orchestration.defs.hub.assets import COMPARED_COLUMNS

    *_, previous_path, path = sorted(folder.glob("*.parquet"))
    day = dt.date.fromisoformat(path.stem)
    snapshot = read_snapshot_file(path, day)
    frame = snapshot.frame
    if case == "no_lifetime_counter":
        frame = frame.with_columns(pl.lit(None, pl.Int64).alias("downloadsAllTime"))
    previous = read_snapshot_file(previous_path, day).frame.select(COMPARED_COLUMNS)
    validator = shared_validator()
    small = frame.head(1000)
    validate_hub_snapshot(
        day, small, location="warm-up", report=snapshot.report, previous=None, validator=validator
    )
    held = rss()
    with PeakRss() as memory:
        started, cpu = time.perf_counter(), time.process_time()
        verdict = validate_hub_snapshot(
            day,
            frame,
            location=str(path),
            report=snapshot.report,
            previous=previous,
            validator=validator,
        )
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    gc.collect()
    retained = rss() - held
    suite_started = time.perf_counter()
    validator.validate(frame, hub_snapshot_suite())
    suite = time.perf_counter() - suite_started
    with tempfile.TemporaryDirectory() as folder:
        stores = RawStore(Path(folder), "hub"), Quarantine(Path(folder) / "quarantine", "hub")
        admit_started = time.perf_counter()
        admit_or_quarantine(
            verdict,
            frame,
            store=stores[0],
            quarantine=stores[1],
            fetched_at=dt.datetime.now(dt.UTC),
        )
        admit = time.perf_counter() - admit_started
    return {
        "case": case,
        "rows": frame.height,
        "accepted": verdict.accepted,
        "failed_rules": [r.rule for r in verdict.results if not r.passed],
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "gx_suite_seconds": round(suite, 2),
        "admit_seconds": round(admit, 2),
        "held_before_mib": round(held / 2**20),
        "peak_above_held_mib": round((memory.peak - held) / 2**20),
        "retained_after_mib": round(retained / 2**20),
        "process_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=2_000_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/observatory-validate"))
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        print(json.dumps(child(arguments.folder, arguments.child)))
        return 0

    from simulation.demo import DemoSpec, ensure_demo

    spec = DemoSpec(models=arguments.models, days=3)
    recordings = arguments.work.resolve() / f"demo-{spec.models}x{spec.days}"
    ensure_demo(recordings, spec)
    results = []
    for case in arguments.cases.split(","):
        load = os.getloadavg()[0]
        command = [sys.executable, __file__, "--child", case]
        command += ["--folder", str(recordings / "hub" / "daily")]
        done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result.update(load_before=round(load, 2), load_after=round(os.getloadavg()[0], 2))
        print(json.dumps(result), flush=True)
        results.append(result)
    if arguments.json:
        report = {
            "models": spec.models,
            "commit": subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
            ).stdout.strip(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "results": results,
        }
        arguments.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
