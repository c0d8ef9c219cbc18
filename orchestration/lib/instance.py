"""The Dagster instance that `make run` records into and `make ui` shows."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

# Without these, the UI opens on a first-visit dialog and the instance phones home.
DAGSTER_YAML = """\
telemetry:
  enabled: false
nux:
  enabled: false
"""


def ensure_dagster_home(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    config = path / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    return path


def persistent_instance(path: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(ensure_dagster_home(path)))
