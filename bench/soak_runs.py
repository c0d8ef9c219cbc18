"""The soak's runs (`bench/soak.py`): `observatory run` as a subprocess, and the faults of a run.

A run fault is drawn from `SOAK_RUN_FAULTS` for a share of the runs; the run must then end as
that fault demands (killed; exit code 2 and one `error:` line for a full disk or a held lock),
and the next run over the same days must succeed. A run that ends otherwise is "not survived".
DATA_DIR lives on a tmpfs when one can be mounted (root), so that a full disk is a real one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import duckdb

from orchestration.lib.disk import MB, free_bytes, needed_bytes
from orchestration.lib.layout import Layout
from orchestration.lib.run_lock import run_lock
from simulation.rehearsal.plan import SOAK_RUN_FAULTS

ROOT = Path(__file__).resolve().parents[1]
TMPFS_MB = 2048
DATASETS = {"hub": "hub_model_snapshots", "prices": "openrouter_models"}


def mart_hashes(data_dir: Path) -> dict[str, str]:
    """A SHA-256 of each mart's rows in a stable order (every table of schema `marts`)."""
    with duckdb.connect(str(Layout(data_dir).warehouse_path), read_only=True) as con:
        names = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        ]
        return {
            name: hashlib.sha256(
                repr(
                    sorted(con.execute(f'select * from marts."{name}"').fetchall(), key=repr)
                ).encode()
            ).hexdigest()
            for name in sorted(names)
        }


def stored_days(data_dir: Path, dataset: str) -> list[str]:
    folder = Layout(data_dir).raw_dir / DATASETS[dataset]
    return sorted(p.name.split("=")[1] for p in folder.glob("snapshot_date=*") if any(p.iterdir()))


class Runner:
    def __init__(self, work: Path, served: Path, rng: random.Random, fault_rate: float) -> None:
        self.served, self.rng, self.fault_rate = served, rng, fault_rate
        self.mount = work / "disk"
        self.mount.mkdir(parents=True, exist_ok=True)
        self.tmpfs = _mount(self.mount)
        self.data_dir = self.mount / "data"
        self.runs: list[dict] = []
        self.all_survived = True

    def run_until_done(self, start: dt.date, end: dt.date) -> None:
        """Run over start..end, perhaps with a fault first; then until a run succeeds."""
        if self.rng.random() < self.fault_rate:
            kinds, weights = zip(*SOAK_RUN_FAULTS.items(), strict=True)
            kind = self.rng.choices(kinds, weights)[0]
            self.runs.append(self._faulted(kind, start, end))
        for _ in range(3):
            code, out = self._run(start, end)
            self.runs.append({"days": f"{start}..{end}", "fault": None, "code": code})
            if code == 0:
                return
            print(out[-3000:], file=sys.stderr)
        self.all_survived = False

    def _faulted(self, kind: str, start: dt.date, end: dt.date) -> dict:
        record = {"days": f"{start}..{end}", "fault": kind}
        if kind == "kill":
            delay = self.rng.uniform(2, 40)
            code, _ = self._run(start, end, kill_after=delay)
            record |= {"code": code, "killed_after_s": round(delay, 1), "landed": code == -9}
            survived = code in (-9, 0)
        elif kind == "concurrent":
            self.data_dir.mkdir(parents=True, exist_ok=True)
            with run_lock(Layout(self.data_dir).run_lock_path):
                code, out = self._run(start, end)
            record["code"] = code
            survived = code == 2 and _one_error_line(out)
        elif not self.tmpfs:
            return record | {"code": None, "landed": False, "note": "no tmpfs (needs root)"}
        else:
            ballast = _fill(self.mount, leave=needed_bytes(Layout(self.data_dir), 0) + MB)
            try:
                code, out = self._run(start, end, min_free_mb="0")
            finally:
                ballast.unlink()
            # Exit 0: the run fit in the room left, the disk never filled (not a landed fault).
            record |= {"code": code, "error": _error_line(out), "landed": code == 2}
            survived = code in (0, 2) and (code == 0 or _one_error_line(out))
        record["survived"] = survived
        self.all_survived &= survived
        return record

    def _run(self, start, end, *, kill_after=None, min_free_mb="", data_dir=None, served=None):
        env = {
            **os.environ,
            "DATA_DIR": str(data_dir or self.data_dir),
            "RECORDINGS_DIR": str(served or self.served),
            "SOURCE_MODE": "recorded",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("DAGSTER_HOME", None)
        if min_free_mb:
            env["MIN_FREE_MB"] = min_free_mb
        args = [sys.executable, "-m", "cli.main", "run"]
        process = subprocess.Popen(
            [*args, "--start", str(start), "--end", str(end)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        if kill_after is not None:
            try:
                out, _ = process.communicate(timeout=kill_after)
                return process.returncode, out
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # the run and the dbt it started
        out, _ = process.communicate()
        return process.returncode, out

    def clean_run(self, data_dir: Path, served: Path, start: dt.date, end: dt.date) -> int:
        code, out = self._run(start, end, data_dir=data_dir, served=served)
        if code != 0:
            print(out[-3000:], file=sys.stderr)
        return code

    def report(self) -> dict:
        faulted = [run for run in self.runs if run["fault"]]
        return {
            "runs": len(self.runs),
            "run_faults_injected": {
                kind: sum(1 for r in faulted if r["fault"] == kind and r.get("landed", True))
                for kind in SOAK_RUN_FAULTS
            },
            "run_faults_survived": sum(1 for r in faulted if r.get("survived")),
            "disk_full_real": self.tmpfs,
            "run_log": self.runs,
        }

    def close(self) -> None:
        if self.tmpfs:
            subprocess.run(["umount", "-l", str(self.mount)], check=False)


def _mount(path: Path) -> bool:
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_MB}m", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    return mounted.returncode == 0


def _fill(disk: Path, leave: int) -> Path:
    ballast = disk / "ballast"
    with ballast.open("wb") as handle:
        for _ in range(max(0, free_bytes(disk) - leave) // MB):
            handle.write(b"\0" * MB)
    return ballast


def _error_line(out: str) -> str:
    lines = [line for line in out.splitlines() if line.startswith("error:")]
    return lines[-1] if lines else ""


def _one_error_line(out: str) -> bool:
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    return len(errors) == 1 and "Traceback" not in out
