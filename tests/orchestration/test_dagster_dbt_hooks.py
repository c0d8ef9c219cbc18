"""The private hooks of dagster-dbt that `ObservatoryDbtCliResource` overrides
(`orchestration/defs/dbt/resource.py`). dagster-dbt has no public way to skip its `dbt --version`
subprocess and its in-process adapter; if an upgrade renames or stops calling either hook, the
override would silently do nothing (or break `cli`): these tests fail first, naming the version."""

from __future__ import annotations

import inspect
from functools import cached_property
from importlib.metadata import version

import dagster_dbt
from dagster_dbt import DbtCliResource
from packaging.version import Version

from orchestration.defs.dbt.resource import ObservatoryDbtCliResource
from orchestration.lib.settings import DBT_PROJECT_DIR, dbt_executable

UPGRADED = (
    f"dagster-dbt {dagster_dbt.__version__} changed a private hook that "
    "orchestration/defs/dbt/resource.py overrides"
)


def test_dagster_dbt_still_has_the_hooks_we_override():
    assert isinstance(DbtCliResource.__dict__.get("_cli_version"), cached_property), UPGRADED
    hook = DbtCliResource.__dict__.get("_initialize_dbt_core_adapter")
    assert callable(hook), UPGRADED
    assert list(inspect.signature(hook).parameters) == ["self", "args"], UPGRADED


def test_dagster_dbt_cli_still_calls_them():
    source = inspect.getsource(DbtCliResource.cli)
    assert "self._cli_version" in source, UPGRADED
    assert "self._initialize_dbt_core_adapter(args)" in source, UPGRADED


def test_our_overrides_answer_without_a_subprocess_or_an_adapter():
    resource = ObservatoryDbtCliResource(
        project_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable()
    )

    assert resource._cli_version == Version(version("dbt-core"))
    assert resource._initialize_dbt_core_adapter(["build"]) is None
