"""One writer per DATA_DIR: a run holds `$DATA_DIR/run.lock` while it writes.

DuckDB lets one process write a file, and two runs on one DATA_DIR would also interleave their
raw fetches and their dbt builds. The lock is `fcntl.flock` on an open file: the kernel drops it
when the holder's process dies, however it dies, so a killed run never leaves a stale lock
behind (the file stays; only the flock on it matters). The file's text says who holds it, for
the message the next run prints.

Who takes it: `observatory run` for its whole run, and the `storage` resource for every step
that writes (`orchestration.lib.resources`), so runs launched from the Dagster UI or its
schedule are serialised too. In one process the lock is re-entrant (a count per path): the
CLI's run initialises the resource inside its own hold, and a second `flock` on a second open
file of the same path would block on itself.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# path -> (open descriptor, holds), for the holds of this process.
_held: dict[Path, tuple[int, int]] = {}
_guard = threading.Lock()


class RunLockHeld(RuntimeError):
    """Another process is running on this DATA_DIR."""

    def __init__(self, data_dir: Path, holder: str) -> None:
        self.data_dir = data_dir
        self.holder = holder
        super().__init__(
            f"another run is writing to {data_dir} ({holder or 'holder unknown'}); "
            "wait for it to finish, or pass --wait to queue behind it"
        )


def holder_text() -> str:
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return f"pid {os.getpid()}, started {started}, command: {' '.join(sys.argv)}"


def read_holder(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


@contextmanager
def run_lock(
    path: Path, *, wait: bool = False, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the DATA_DIR's run lock (at `path`, `Layout.run_lock_path`) for the block. Without
    `wait`, raise `RunLockHeld` at once if another process holds it; with it, queue (after
    calling `on_wait` with who holds it, if given)."""
    key = path.absolute()
    with _guard:
        if key in _held:
            fd, holds = _held[key]
            _held[key] = (fd, holds + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            _release(key)
        return
    key.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise RunLockHeld(key.parent, read_holder(key)) from None
            if on_wait is not None:
                on_wait(read_holder(key))
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, (holder_text() + "\n").encode(), 0)
    except BaseException:
        os.close(fd)
        raise
    with _guard:
        _held[key] = (fd, 1)
    try:
        yield
    finally:
        _release(key)


def _release(key: Path) -> None:
    with _guard:
        fd, holds = _held[key]
        if holds > 1:
            _held[key] = (fd, holds - 1)
            return
        del _held[key]
    # Closing the last descriptor drops the flock; the holder text goes with it.
    os.ftruncate(fd, 0)
    os.close(fd)


def holds(path: Path) -> bool:
    """Whether this process holds the lock at `path`."""
    with _guard:
        return path.absolute() in _held
