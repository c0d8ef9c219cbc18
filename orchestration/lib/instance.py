"""The Dagster instance that `make run` records into and `make ui` shows.

`$DAGSTER_HOME/dagster.yaml` (written here, `dagster_yaml`):
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
  (`orchestration.lib.recovery`);
- the event log where Dagster keeps it (`history/runs`), through engines kept between writes
  (`orchestration.lib.event_log`). Its folder is written out, so a home that moved (a DATA_DIR
  moved or copied) gets it again.
"""

from __future__ import annotations

import json
import re
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
EVENT_LOG_YAML = """\
event_log_storage:
  module: orchestration.lib.event_log
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {base_dir}
"""
# What earlier versions wrote: such a home is brought up to date; a file edited by hand is not.
EARLIER_YAMLS = (
    SETTINGS_YAML,
    SETTINGS_YAML + ONE_RUN_YAML,
    SETTINGS_YAML + ONE_RUN_YAML + MONITORING_YAML,
)
BASE_DIR_LINE = re.compile(r"(?m)^    base_dir: .*$")


def dagster_yaml(home: Path) -> str:
    """The dagster.yaml of the home at `home`."""
    events = json.dumps((home.absolute() / "history" / "runs").as_posix())  # a YAML string
    return SETTINGS_YAML + ONE_RUN_YAML + MONITORING_YAML + EVENT_LOG_YAML.format(base_dir=events)


def is_ours(text: str) -> bool:
    """Written by this module, for any home (one that moved too), now or before."""
    any_home = BASE_DIR_LINE.sub("", dagster_yaml(Path()))
    return text in EARLIER_YAMLS or BASE_DIR_LINE.sub("", text) == any_home


def ensure_dagster_home(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    config = path / "dagster.yaml"
    wanted = dagster_yaml(path)
    text = config.read_text() if config.exists() else None
    if text is None or (text != wanted and is_ours(text)):
        config.write_text(wanted)
    return path


def persistent_instance(path: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(ensure_dagster_home(path)))
