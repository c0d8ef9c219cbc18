"""The environment a run's dbt step sets (`run_dbt`) is seen by the dbt process alone: it is set
while dagster-dbt starts dbt, and gone before the step streams dbt's events. A step's generator
can wait suspended (or be dropped) with the rest of the worker's tests running meanwhile: in
CI one left `DBT_WRITE_JSON=false` behind, and a later test's dbt wrote no run_results.json."""

from __future__ import annotations

import os
from types import SimpleNamespace

from orchestration.defs.dbt.assets import DBT_WRITE_JSON, run_dbt
from orchestration.lib.resources import StorageResource


class StartedDbt:
    """Stands in for `DbtCliResource.cli`, the point where dagster-dbt copies `os.environ` and
    starts the dbt process: it keeps what that process would have been given."""

    def __init__(self, target_path):
        self.target_path = target_path
        self.seen: dict[str, str] = {}

    def cli(self, args, context):
        self.seen = dict(os.environ)
        self.target_path.mkdir(parents=True, exist_ok=True)
        return SimpleNamespace(
            stream=lambda: iter(["an event"]),
            process=SimpleNamespace(wait=lambda: 0, terminate=lambda: None),
            manifest={"nodes": {}},
            target_path=self.target_path,
        )


def test_the_dbt_environment_is_gone_while_the_step_streams(tmp_path, monkeypatch):
    monkeypatch.delenv(DBT_WRITE_JSON, raising=False)
    storage = StorageResource(data_dir=str(tmp_path / "data"))
    dbt = StartedDbt(tmp_path / "invocation")

    step = run_dbt(None, dbt, storage, ["build"], env={"OBSERVATORY_TEST_VALUE": "set"})
    first = next(step)

    assert first == "an event"
    assert dbt.seen[DBT_WRITE_JSON] == "false"
    assert dbt.seen["OBSERVATORY_TEST_VALUE"] == "set"
    assert DBT_WRITE_JSON not in os.environ
    assert "OBSERVATORY_TEST_VALUE" not in os.environ
    step.close()
