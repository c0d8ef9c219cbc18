#!/usr/bin/env python3
"""`dbt`, made to die with the process that started it: the `dbt_executable` Dagster runs.

dagster-dbt starts dbt as a child process. If the run is SIGKILLed the child would live on,
reparented, still writing the build warehouse the next run opens. Linux's
`prctl(PR_SET_PDEATHSIG, SIGKILL)` asks the kernel to kill this process when its parent dies;
the setting survives `execv`, so it is set here and the real dbt (`OBSERVATORY_REAL_DBT`, set
by `orchestration.defs.dbt.assets.run_dbt`, else `dbt` on PATH) replaces this process.
Elsewhere than Linux the real dbt runs unchanged. Plain Python: no import of the project.
"""

import ctypes
import os
import shutil
import signal
import sys

PR_SET_PDEATHSIG = 1


def main() -> None:
    # The run that starts dbt names itself: a parent that died before this process even read
    # its parent's pid would otherwise look alive (the orphan's new parent, pid 1).
    parent = int(os.environ.get("OBSERVATORY_DBT_PARENT") or os.getppid())
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            sys.exit(f"prctl(PR_SET_PDEATHSIG) failed: {os.strerror(ctypes.get_errno())}")
        # The parent may have died before prctl: then nobody would kill this one.
        if os.getppid() != parent:
            sys.exit("the process that started dbt is gone; not starting dbt")
    real = os.environ.get("OBSERVATORY_REAL_DBT") or shutil.which("dbt") or "dbt"
    # The run's dbt works in its DATA_DIR, whose paths it is given relative to it
    # (`Layout.dbt_run_env`); the project and profile are named by DBT_PROJECT_DIR and
    # DBT_PROFILES_DIR.
    if workdir := os.environ.get("OBSERVATORY_DBT_WORKDIR"):
        os.chdir(workdir)
    os.execv(real, [real, *sys.argv[1:]])


if __name__ == "__main__":
    main()
