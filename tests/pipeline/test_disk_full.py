"""A full disk, for real (issue 26): DATA_DIR on a small tmpfs, filled with a ballast file.

A run that starts with too little room refuses before it writes; a run that fills the disk on
its way (raw layer, Dagster's SQLite storage, dbt's build copy, the published warehouse:
wherever it runs out) ends with one line naming the path and the free space, exit code 2, no
traceback; the marts and raw files of the last good run are untouched; once space is freed the
next run succeeds. Mounting a tmpfs needs root: elsewhere the test skips, saying so.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.main import main
from orchestration.lib.disk import MB, free_bytes, needed_bytes
from orchestration.lib.layout import Layout
from tests.helpers import mart_hashes
from tests.plugins.demo import clean_demo_days

pytestmark = pytest.mark.reliability

SIZE_MB = 400


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE_MB}m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.fixture
def recordings(demo, tmp_path) -> Path:
    root = tmp_path / "recordings"
    (root / "hub" / "daily").mkdir(parents=True)
    (root / "openrouter" / "daily").mkdir(parents=True)
    for path in clean_demo_days(5):
        shutil.copy(path, root / "hub" / "daily" / path.name)
    return root


def fill(disk: Path, leave_mb: float) -> Path:
    """A ballast file that leaves about `leave_mb` free on the disk."""
    ballast = disk / "ballast"
    size = free_bytes(disk) - int(leave_mb * MB)
    with ballast.open("wb") as handle:
        handle.truncate(0)
        chunk = b"\0" * MB
        for _ in range(size // MB):
            handle.write(chunk)
    return ballast


def file_hashes(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*.parquet"))
    }


def run(monkeypatch, capsys, data_dir: Path, recordings: Path, *args: str, min_free: str = ""):
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.setenv("RECORDINGS_DIR", str(recordings))
    monkeypatch.setenv("SOURCE_MODE", "recorded")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    if min_free:
        monkeypatch.setenv("MIN_FREE_MB", min_free)
    else:
        monkeypatch.delenv("MIN_FREE_MB", raising=False)
    code = main(["run", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def error_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("error:")]


def test_a_full_disk_ends_in_one_line_with_code_2_and_loses_nothing(
    small_disk, recordings, monkeypatch, capsys
):
    data_dir = small_disk / "data"
    days = sorted(p.stem for p in (recordings / "hub" / "daily").iterdir())
    code, out, _ = run(
        monkeypatch, capsys, data_dir, recordings, "--start", days[0], "--end", days[2]
    )
    assert code == 0, out
    layout = Layout(data_dir)
    marts, raw = mart_hashes(layout.warehouse_path), file_hashes(layout.raw_dir)

    # Too little room to start: refused before anything is written.
    ballast = fill(small_disk, leave_mb=40)
    code, out, _ = run(monkeypatch, capsys, data_dir, recordings)
    assert code == 2
    (line,) = error_lines(out)
    assert "not enough free space" in line and str(data_dir) in line and "MB free" in line
    assert "Traceback" not in out

    # Room to start (MIN_FREE_MB=0: twice the published marts and 1 MB), none to finish: the
    # disk fills during the run.
    ballast.unlink()
    ballast = fill(small_disk, leave_mb=needed_bytes(layout, 0) / MB + 1)
    code, out, _ = run(monkeypatch, capsys, data_dir, recordings, min_free="0")
    assert code == 2, out
    (line,) = error_lines(out)
    assert "the disk is full" in line and str(data_dir) in line and "MB free" in line
    assert "Traceback" not in out
    assert mart_hashes(layout.warehouse_path) == marts
    assert file_hashes(layout.raw_dir).items() >= raw.items()

    # Space freed: the next run puts right what the failed one left and succeeds.
    ballast.unlink()
    code, out, _ = run(monkeypatch, capsys, data_dir, recordings)
    assert code == 0, out
    assert [
        p.name.split("=")[1] for p in sorted(layout.raw_dir.glob("hub*/snapshot_date=*"))
    ] == days
