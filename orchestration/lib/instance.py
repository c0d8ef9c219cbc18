"""The Dagster instance that `make run` records into and `make ui` shows."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

# Without telemetry and nux off, the UI opens on a first-visit dialog and the instance phones
# home. One run at a time: runs the UI or the schedule launches queue behind each other (DuckDB
# has one writer; the DATA_DIR run lock, `orchestration.lib.run_lock`, also keeps them and
# `observatory run` apart).
OLD_DAGSTER_YAML = """\
telemetry:
  enabled: false
nux:
  enabled: false
"""
DAGSTER_YAML = (
    OLD_DAGSTER_YAML
    + """\
concurrency:
  runs:
    max_concurrent_runs: 1
"""
)


def ensure_dagster_home(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    config = path / "dagster.yaml"
    # A home written before the run limit gets it; a file someone edited is left alone.
    if not config.exists() or config.read_text() == OLD_DAGSTER_YAML:
        config.write_text(DAGSTER_YAML)
    return path


def persistent_instance(path: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(ensure_dagster_home(path)))
