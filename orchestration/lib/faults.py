"""Faults of the machine (disk full, no permission, a read-only file system), said in one line:
what failed, on which path, and what to do. The CLI ends with it; a raw asset fails its step
with it, without a retry (`orchestration.defs.quality.retries`)."""

from __future__ import annotations

import errno
import sqlite3

import sqlalchemy.exc

# What to do about a fault of the machine, by errno.
FAULT_ADVICE = {
    errno.ENOSPC: "free space on that file system (or point DATA_DIR elsewhere), then run again",
    errno.EDQUOT: "free space within your quota (or point DATA_DIR elsewhere), then run again",
    errno.EACCES: "make it writable by this account, or set DATA_DIR to a folder that is",
    errno.EPERM: "make it writable by this account, or set DATA_DIR to a folder that is",
    errno.EROFS: "the file system is read-only: set DATA_DIR to a writable folder",
    errno.ENOTDIR: "a part of that path is a file, not a folder: set DATA_DIR to a folder",
}


def resource_fault(exc: Exception) -> str:
    """One line: what failed, on which path, and what to do."""
    if isinstance(exc, OSError):
        path = exc.filename or "(path not reported)"
        advice = FAULT_ADVICE.get(exc.errno or 0, "check that path, then run again")
        return f"cannot write {path}: {exc.strerror or exc}; {advice}"
    if isinstance(exc, sqlite3.OperationalError | sqlalchemy.exc.OperationalError):
        where = "Dagster's run storage (DAGSTER_HOME, $DATA_DIR/dagster)"
        # SQLAlchemy's text carries the SQL and its parameters over several lines: the first.
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"{where} failed: {first}; free space or fix its permissions, then run again"
    return f"DuckDB could not read or write its file: {exc}; check that path, then run again"
