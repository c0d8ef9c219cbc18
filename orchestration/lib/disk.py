"""Free space: checked before a run writes anything, and named when a write finds none.

A run writes into DATA_DIR: the raw layer and the quarantine, Dagster's run storage (SQLite,
`dagster/`), dbt's private build warehouse (`build/`), then the published marts (Parquet) and
the small warehouse of views over them. A disk that fills half way must end the command with one line naming
the path and the free space (exit code 2), never a traceback; each of those writes is atomic
or private, so what a failed run leaves behind is what the last good run published.

Before it starts, a run asks for `min_free_mb` (the MIN_FREE_MB setting, 256 by default) plus
twice what is published now (the warehouse and its version of the marts: dbt's rewritten
tables in the build, and the marts a new version writes before the old one is removed). The check cannot see what else fills the disk meanwhile: the error path still
says what happened when a write fails.
"""

from __future__ import annotations

import errno
import re
import shutil
from pathlib import Path

from orchestration.lib.layout import Layout

MB = 1 << 20
# What a full disk looks like in the messages of the tools that do not raise an OSError:
# DuckDB ("No space left on device"), SQLite through SQLAlchemy ("database or disk is full",
# and on tmpfs "disk I/O error"), dbt (passing DuckDB's text through).
DISK_FULL_TEXTS = ("no space left on device", "database or disk is full", "disk i/o error")


class DiskFull(OSError):
    """Not enough free space where the run writes: one line naming the path and the space."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(errno.ENOSPC, message, str(path))
        self.message = message

    def __str__(self) -> str:
        return self.message


def free_bytes(path: Path) -> int:
    """The free space of the file system holding `path` (or its nearest existing parent)."""
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    return shutil.disk_usage(existing).free


def describe_free(path: Path) -> str:
    try:
        return f"{free_bytes(path) / MB:.1f} MB free on the file system of {path}"
    except OSError:
        return f"free space of {path} unknown"


def published_bytes(layout: Layout) -> int:
    """The published warehouse and the version of the marts it reads."""
    files = [layout.warehouse_path]
    if layout.marts_dir.is_dir():
        files += [p for p in layout.marts_dir.resolve().rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files if p.exists())


def needed_bytes(layout: Layout, min_free_mb: int) -> int:
    return min_free_mb * MB + 2 * published_bytes(layout)


def require_free_space(layout: Layout, min_free_mb: int) -> None:
    """Raise DiskFull before the run writes anything when DATA_DIR has too little room."""
    needed = needed_bytes(layout, min_free_mb)
    free = free_bytes(layout.data_dir)
    if free < needed:
        raise DiskFull(
            layout.data_dir,
            f"not enough free space to start a run in {layout.data_dir}: {free / MB:.1f} MB free, "
            f"{needed / MB:.0f} MB needed (MIN_FREE_MB={min_free_mb} plus twice the published marts); "
            "free space or point DATA_DIR elsewhere, then run again",
        )


# Below this, a failed step is taken for a full disk even when its message does not say so (a
# dbt step's failure names dbt's log, not DuckDB's error inside it).
NEARLY_FULL_BYTES = 16 * MB


def nearly_full(layout: Layout, min_free_mb: int) -> bool:
    try:
        free = free_bytes(layout.data_dir)
    except OSError:
        return False
    return free < max(NEARLY_FULL_BYTES, needed_bytes(layout, min_free_mb))


def looks_like_disk_full(text: str) -> bool:
    lowered = text.lower()
    return any(marker in lowered for marker in DISK_FULL_TEXTS)


def disk_full_line(layout: Layout, what: str) -> str:
    """One line: what could not be written, the free space where it failed (the path that
    `what` names, else DATA_DIR), what to do."""
    named = _WRITE.search(what)
    where = Path(named.group(1)) if named else layout.data_dir
    return (
        f"the disk is full: {what}; {describe_free(where)}; free space or point "
        "DATA_DIR elsewhere, then run again (the marts of the last good run are unchanged)"
    )


# The path in `orchestration.lib.faults.resource_fault`'s line ("cannot write PATH: ...").
_WRITE = re.compile(r"cannot write (/\S+?):")
