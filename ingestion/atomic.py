"""Write-then-rename: a file or folder appears whole under its final name, or not at all.

Everything the pipeline publishes for others to read (raw fetches, quarantine entries, the
warehouse) is first written beside its target under a hidden name, then renamed over it in one
step (`os.replace` is atomic within a file system). A reader sees the old version or the new
one, never half of one; a crash leaves at most a hidden leftover, never a broken target.

A write that fails on the file system (disk full, no permission, read-only) raises an `OSError`
naming the target, whatever library wrote: Polars and DuckDB say it only in their message
(`... (os error 28)`, `No space left on device`), and the hidden temporary name would mislead.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def published_mode(folder: bool = False) -> int:
    """What a plain `open()` or `mkdir()` would give under this process's umask: published
    files are for other accounts to read too (analysts open the warehouse from their own),
    while mkstemp/mkdtemp would leave them private (0600/0700)."""
    return (0o777 if folder else 0o666) & ~_umask()


_OS_ERROR = re.compile(r"os error (\d+)")
# The faults a library may only name in words (DuckDB's IO errors).
_BY_MESSAGE = {
    os.strerror(number): number
    for number in (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS)
}


def as_os_error(exc: BaseException, path: Path) -> OSError | None:
    """The fault of the file system behind `exc`, as an OSError naming `path`; None when `exc`
    is not one."""
    number = exc.errno if isinstance(exc, OSError) else None
    if not number:
        text = str(exc)
        match = _OS_ERROR.search(text)
        number = (
            int(match.group(1))
            if match
            else next((n for words, n in _BY_MESSAGE.items() if words in text), None)
        )
    return None if number is None else OSError(number, os.strerror(number), str(path))


class WriteFault(OSError):
    """A write under `replacing` failed on the file system: names the target it was writing
    (not the hidden temporary, nor the file it copied from)."""


@contextmanager
def replacing(target: Path, *, folder: bool = False) -> Iterator[Path]:
    """Yield a hidden temporary path beside `target` (a file, or with `folder` an existing
    empty folder) to write into; when the block ends without error, rename it over `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix, parent = f".{target.name}.", target.parent
    if folder:
        tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        tmp.chmod(published_mode(folder=True))
    else:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=parent)
        os.close(fd)
        tmp = Path(name)
    try:
        yield tmp
        if not folder:
            tmp.chmod(published_mode())
        os.replace(tmp, target)
    except WriteFault:
        raise  # an inner write's fault, already naming what it wrote
    except Exception as exc:
        fault = as_os_error(exc, target)
        if fault is None:  # not a fault of the file system
            raise
        raise WriteFault(fault.errno, fault.strerror, str(target)) from exc
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
