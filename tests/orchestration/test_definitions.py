"""The whole Definitions object loads, and its lineage is the one the UI should show."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import dagster as dg
import pytest

from orchestration.definitions import defs
from orchestration.defs.jobs import DAILY_JOB_NAME
from orchestration.lib.settings import DBT_PROJECT_DIR


@pytest.fixture(scope="module")
def definitions() -> dg.Definitions:
    return defs()


def ancestors(definitions: dg.Definitions, key: dg.AssetKey) -> set[dg.AssetKey]:
    """Every asset upstream of `key`, however far."""
    graph = definitions.resolve_asset_graph()
    return dg.AssetSelection.assets(key).upstream().resolve(graph) - {key}


def test_definitions_load_with_job_schedule_and_resources(definitions):
    assert definitions.resolve_job_def(DAILY_JOB_NAME) is not None
    schedule = definitions.resolve_schedule_def(f"{DAILY_JOB_NAME}_schedule")
    assert schedule.cron_schedule == "30 0 * * *"
    assert set(definitions.resources) >= {"dbt", "hub", "openrouter", "storage"}


def test_lineage_runs_from_the_raw_hub_asset_to_mart_adoption(definitions):
    upstream = ancestors(definitions, dg.AssetKey(["marts", "mart_adoption"]))

    assert dg.AssetKey(["raw", "hub_model_snapshots"]) in upstream
    assert dg.AssetKey(["staging", "stg_hub__model_snapshots"]) in upstream
    # The monthly sums per model, kept incrementally, from the derived daily downloads.
    assert dg.AssetKey(["intermediate", "int_hub__model_downloads_daily"]) in upstream
    assert dg.AssetKey(["intermediate", "int_hub__model_downloads_periods"]) in upstream
    assert dg.AssetKey(["reference", "developer_registry"]) in upstream


def test_every_asset_has_a_description_and_a_layer_group(definitions):
    graph = definitions.resolve_asset_graph()
    groups = {"raw", "reference", "staging", "intermediate", "marts", "warehouse", "reports"}

    for key in graph.materializable_asset_keys:
        node = graph.get(key)
        assert node.description, f"{key.to_user_string()} has no description"
        assert node.group_name in groups, f"{key.to_user_string()} is in group {node.group_name}"


def test_dbt_tests_are_asset_checks(definitions):
    graph = definitions.resolve_asset_graph()
    checks = {check.name for check in graph.asset_check_keys}
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    tests = {node["name"] for node in manifest["nodes"].values() if node["resource_type"] == "test"}

    # Every dbt data test is a check (unit tests are not: they run in `make test`).
    assert tests <= checks
    assert "unique_int_hub__models_model_id" in checks
    assert "dim_models_holds_every_model_with_downloads" in checks


def test_a_rule_held_by_a_contract_is_no_check_and_the_asset_says_it(definitions):
    # int_hub__models' not-null columns are its contract's (DuckDB refuses a null as it builds
    # the table), not a test: no check, and the asset's description lists them.
    graph = definitions.resolve_asset_graph()
    key = dg.AssetKey(["intermediate", "int_hub__models"])
    checks = {check.name for check in graph.asset_check_keys if check.asset_key == key}

    assert checks == {"unique_int_hub__models_model_id"}
    description = graph.get(key).description or ""
    assert "**Contract**" in description
    assert "`model_id`, `developer_id`, `family`: never null" in description


def test_price_marts_descend_from_both_raw_price_assets_next_to_the_hub(definitions):
    graph = definitions.resolve_asset_graph()
    openrouter = dg.AssetKey(["raw", "openrouter_models"])

    upstream = ancestors(definitions, dg.AssetKey(["marts", "mart_cost_ratio"]))

    assert openrouter in upstream
    assert dg.AssetKey(["raw", "genai_prices"]) in upstream
    # The link to the Hub models.
    assert dg.AssetKey(["intermediate", "int_hub__models"]) in upstream
    assert (
        graph.get(openrouter).partitions_def
        == graph.get(dg.AssetKey(["raw", "hub_model_snapshots"])).partitions_def
    )
    assert graph.get(openrouter).group_name == "raw"


def _job_assets(monkeypatch, **environ: str) -> tuple[set[dg.AssetKey], str]:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    job = defs().resolve_job_def(DAILY_JOB_NAME)
    return set(job.asset_layer.executable_asset_keys), job.description or ""


def test_live_without_an_openrouter_key_leaves_the_rankings_out_and_says_why(monkeypatch):
    rankings = dg.AssetKey(["raw", "openrouter_rankings"])
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)

    recorded, _ = _job_assets(monkeypatch, SOURCE_MODE="recorded")
    keyless, description = _job_assets(monkeypatch, SOURCE_MODE="live")
    keyed, _ = _job_assets(monkeypatch, SOURCE_MODE="live", OPENROUTER_API_KEY="sk-or-test")

    assert rankings in recorded and rankings in keyed
    assert rankings not in keyless
    # Everything else still runs: the dbt models that read the rankings' raw layer too.
    assert keyless == recorded - {rankings}
    assert "OPENROUTER_API_KEY" in description


def test_usage_and_claims_marts_descend_from_the_rankings(definitions):
    rankings = dg.AssetKey(["raw", "openrouter_rankings"])
    for mart in ("mart_api_usage_share", "mart_api_top_models", "mart_claims"):
        assert rankings in ancestors(definitions, dg.AssetKey(["marts", mart])), mart


def test_loading_the_definitions_leaves_the_heavy_libraries_to_the_steps_that_use_them(tmp_path):
    """Every run, `dagster dev` and each test loads the definitions: Great Expectations (and
    pyspark, which it imports when installed), Altair and vl-convert load in the step that uses
    them (validation, the report), not here (`python -X importtime`, bench/README.md)."""
    heavy = ["great_expectations", "pyspark", "altair", "vl_convert", "pandas"]
    probe = (
        "import sys; from orchestration.definitions import defs; defs(); "
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DATA_DIR": str(tmp_path)},
    ).stdout.strip()
    assert loaded == ""
