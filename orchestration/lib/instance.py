"""The Dagster instance that `make run` records into and `make ui` shows.

`$DAGSTER_HOME/dagster.yaml` (written here, `DAGSTER_YAML`):
- telemetry and nux off: without them the UI opens on a first-visit dialog and the instance
  phones home;
- one run at a time: runs the UI or the schedule launches queue behind each other (DuckDB has
  one writer; the DATA_DIR run lock, `orchestration.lib.run_lock`, also keeps them and
  `observatory run` apart);
- run monitoring, for runs launched from the UI or the schedule whose process dies. While
  `dagster dev` is up, its code server sees a run's process end without an outcome and marks
  the run failed within a second; the daemon's monitoring covers what it cannot see: a run that
  never started (`start_timeout_seconds`), and a run left "started" because `dagster dev`
  itself went down with it, failed once it has been running longer than any real run does
  (`max_runtime_seconds`; a daily run takes minutes). The default run launcher cannot report a
  worker's health, so no sooner. Runs of `observatory run` are put right by the next one
  (`orchestration.lib.recovery`).
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

SETTINGS_YAML = """\
telemetry:
  enabled: false
nux:
  enabled: false
"""
ONE_RUN_YAML = """\
concurrency:
  runs:
    max_concurrent_runs: 1
"""
MONITORING_YAML = """\
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  max_runtime_seconds: 21600
  poll_interval_seconds: 60
"""
DAGSTER_YAML = SETTINGS_YAML + ONE_RUN_YAML + MONITORING_YAML
# What earlier versions wrote: such a home is brought up to date; a file edited by hand is not.
EARLIER_YAMLS = (SETTINGS_YAML, SETTINGS_YAML + ONE_RUN_YAML)


def ensure_dagster_home(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    config = path / "dagster.yaml"
    if not config.exists() or config.read_text() in EARLIER_YAMLS:
        config.write_text(DAGSTER_YAML)
    return path


def persistent_instance(path: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(ensure_dagster_home(path)))
