"""Write-then-rename: a file or folder appears whole under its final name, or not at all.

Everything the pipeline publishes for others to read (raw fetches, quarantine entries, the
warehouse) is first written beside its target under a hidden name, then renamed over it in one
step (`os.replace` is atomic within a file system). A reader sees the old version or the new
one, never half of one; a crash leaves at most a hidden leftover, never a broken target.
"""

from __future__ import annotations

import os
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
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
