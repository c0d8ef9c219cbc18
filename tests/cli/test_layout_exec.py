"""`observatory exec`: the tool sees the data folder as the pipeline does, and the venv's tools
even when the venv is not on PATH (`dagster dev`'s code server runs `dbt parse` by name)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from cli.layout_exec import layout_environment
from orchestration.lib.settings import Settings


def test_the_venvs_tools_come_first_and_the_data_folder_is_the_pipelines(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    env = layout_environment(Settings.from_env())

    first, *rest = env["PATH"].split(os.pathsep)
    assert Path(first) == Path(sys.executable).parent and (Path(first) / "dbt").exists()
    assert rest == ["/usr/bin", "/bin"]
    assert env["DATA_DIR"] == tmp_path.as_posix()
    assert env["DAGSTER_HOME"].startswith(tmp_path.as_posix())
