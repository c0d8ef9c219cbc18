"""`observatory exec COMMAND`: a tool (`dbt`, `dagster dev`, `sqlfluff`) run in this data
folder's environment, as the pipeline sees it: DAGSTER_HOME and what dbt reads
(`Layout.dbt_env`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from orchestration.lib.instance import ensure_dagster_home
from orchestration.lib.settings import DBT_PROJECT_DIR, Settings, SettingsError


def layout_environment(settings: Settings) -> dict[str, str]:
    """What a tool run by hand needs to see this data folder as the pipeline does. The venv's
    tools come first on PATH: `dagster dev`'s code server starts `dbt parse` by name."""
    venv_bin = Path(sys.executable).parent.as_posix()
    return {
        "PATH": os.pathsep.join([venv_bin, os.environ.get("PATH", "")]),
        **settings.layout.dbt_env(),
        "DATA_DIR": settings.data_dir.as_posix(),
        "DAGSTER_HOME": settings.layout.dagster_home.as_posix(),
        "DBT_PROFILES_DIR": DBT_PROJECT_DIR.as_posix(),
    }


def exec_in_layout(settings: Settings, argv: list[str]) -> int:
    if not argv:
        raise SettingsError("exec needs a command, for example `observatory exec dbt parse`")
    ensure_dagster_home(settings.layout.dagster_home)
    settings.layout.build_dir.mkdir(parents=True, exist_ok=True)
    # This environment's own tools first (`dbt`, `dagster`, `sqlfluff` of the venv), so a venv
    # need not be on PATH.
    sibling = Path(sys.executable).parent / argv[0]
    program = str(sibling) if "/" not in argv[0] and sibling.exists() else argv[0]
    try:
        # Replaces this process: signals (Ctrl-C on `dagster dev`) reach the command itself.
        os.execvpe(program, argv, {**os.environ, **layout_environment(settings)})
    except OSError as exc:
        raise SettingsError(f"cannot run {argv[0]!r}: {exc.strerror}") from exc
