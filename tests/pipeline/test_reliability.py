"""Issue 11, the live path survives real operators: runs killed with SIGKILL, two runs at once,
an unwritable DATA_DIR.

The kill test starts real `observatory run` processes on a few demo days, in a recordings
folder of its own, and kills them during the ingest and during the dbt build; after each kill
no dbt is left writing, the published marts are unchanged and readable, and the next run
recovers by itself and marks the killed run failed in Dagster's storage.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest

from cli.main import main
from orchestration.lib.layout import Layout
from orchestration.lib.recovery import CLI_RUN_TAG
from orchestration.lib.run_lock import run_lock
from tests.data import ROOT
from tests.helpers import mart_hashes
from tests.plugins.demo import clean_demo_days

pytestmark = pytest.mark.reliability

DAYS = 4


def run_env(data_dir: Path, recordings: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "RECORDINGS_DIR": str(recordings),
        "SOURCE_MODE": "recorded",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DAGSTER_HOME", None)
    return env


def start_run(data_dir: Path, recordings: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", "run"],
        cwd=ROOT,
        env=run_env(data_dir, recordings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def children(pid: int) -> list[int]:
    """Every live process whose parent is `pid` (zombies are dead: not counted)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == str(pid) and not fields["State"].startswith("Z"):
            found.append(int(entry.name))
    return found


def dbt_processes_started_by(pid: int) -> list[int]:
    """dbt processes whose parent is `pid`, or that were and are now orphans (parent 1) running
    in this DATA_DIR's environment."""
    return [child for child in children(pid) if "dbt" in Path(f"/proc/{child}/cmdline").read_text()]


def orphaned_dbt(data_dir: Path) -> list[int]:
    """dbt processes, anywhere, whose environment names this DATA_DIR."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
            state = (entry / "status").read_text()
        except OSError:
            continue
        zombie = "State:\tZ" in state
        if b"dbt" in cmdline and f"DATA_DIR={data_dir}".encode() in environ and not zombie:
            found.append(int(entry.name))
    return found


def kill_when(process: subprocess.Popen, ready: Callable[[], bool], timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, f"the run ended before the kill point: {process.stdout}"
        assert time.monotonic() < deadline, "the kill point never came"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()


@pytest.fixture(scope="module")
def recordings(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reliability")
    snapshots = root / "recordings" / "hub" / "daily"
    snapshots.mkdir(parents=True)
    (root / "recordings" / "openrouter" / "daily").mkdir(parents=True)
    for day, path in enumerate(clean_demo_days(DAYS), start=1):
        shutil.copy(path, snapshots / f"2026-07-0{day}.parquet")
    return root / "recordings"


def test_a_run_killed_in_ingest_or_in_dbt_changes_nothing_and_the_next_run_recovers(
    tmp_path, recordings
):
    data_dir = tmp_path / "data"
    layout = Layout(data_dir)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in run_env(data_dir, recordings).items():
            patch.setenv(name, value)
        patch.delenv("DAGSTER_HOME", raising=False)
        assert main(["run"]) == 0  # a good run: the marts that must survive the kills
    good = mart_hashes(layout.warehouse_path)
    raw_before = sorted(p.relative_to(data_dir) for p in layout.raw_dir.rglob("*.parquet"))

    instance = dg.DagsterInstance.from_config(str(layout.dagster_home))

    def started_without_dbt(process: subprocess.Popen) -> bool:
        """In the ingest: Dagster shows the run started, and no dbt has started yet."""
        running = instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
        return bool(running) and not dbt_processes_started_by(process.pid)

    killed = []
    # In the ingest, then in the dbt build (dbt runs as the run's child).
    for ready in (started_without_dbt, lambda p: bool(dbt_processes_started_by(p.pid))):
        process = start_run(data_dir, recordings)
        kill_when(process, lambda p=process, r=ready: r(p))
        killed.append(process.pid)
        time.sleep(1)  # PDEATHSIG is delivered at once; leave the kernel a moment to reap it
        assert orphaned_dbt(data_dir) == [], "a dbt process outlived the killed run"
        assert mart_hashes(layout.warehouse_path) == good

    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "run"],
        cwd=ROOT,
        env=run_env(data_dir, recordings),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "recovered:" in result.stdout
    # The same days, the same marts: nothing lost, nothing doubled.
    assert mart_hashes(layout.warehouse_path) == good
    raw_after = sorted(p.relative_to(data_dir) for p in layout.raw_dir.rglob("*.parquet"))
    assert raw_after == raw_before
    assert not list(data_dir.rglob(".*.tmp"))

    runs = instance.get_runs(filters=dg.RunsFilter(tags={CLI_RUN_TAG: "cli"}))
    statuses = sorted(run.status.value for run in runs)
    # The first good run and the recovering one succeeded; both killed runs are marked failed.
    assert statuses == sorted(["SUCCESS", "SUCCESS", *["FAILURE"] * len(killed)])
    instance.dispose()


def test_a_second_run_on_the_same_data_dir_refuses_with_a_clear_line(tmp_path, monkeypatch, capsys):
    data_dir = tmp_path / "data"
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from orchestration.lib.run_lock import run_lock\n"
            "with run_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)",
            str(Layout(data_dir).run_lock_path),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert main(["run"]) == 2
    finally:
        holder.kill()
        holder.wait()
    out = capsys.readouterr().out
    assert "another run is writing to" in out and str(data_dir) in out.replace("\n", "")
    assert f"pid {holder.pid}" in out
    # The kernel dropped the lock with its holder: nothing stale is left to refuse the next.
    with run_lock(Layout(data_dir).run_lock_path):
        pass


def test_the_lock_is_reentrant_in_one_process(tmp_path):
    path = Layout(tmp_path).run_lock_path
    with run_lock(path), run_lock(path, wait=True):
        pass
    with run_lock(path):
        pass


def test_an_unwritable_data_dir_ends_with_one_line_naming_it(tmp_path, monkeypatch, capsys):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    monkeypatch.setenv("DATA_DIR", str(not_a_folder / "data"))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)

    assert main(["run"]) == 2

    out = capsys.readouterr().out.replace("\n", "")
    assert "cannot write" in out and str(not_a_folder) in out and "Traceback" not in out
    assert "set DATA_DIR to a folder" in out
