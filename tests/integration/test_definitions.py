"""The whole Definitions object loads, and its lineage is the one the UI should show."""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration.definitions import defs
from orchestration.defs.jobs import DAILY_JOB_NAME


@pytest.fixture(scope="module")
def definitions() -> dg.Definitions:
    return defs()


def test_definitions_load_with_job_schedule_and_resources(definitions):
    assert definitions.resolve_job_def(DAILY_JOB_NAME) is not None
    schedule = definitions.resolve_schedule_def(f"{DAILY_JOB_NAME}_schedule")
    assert schedule.cron_schedule == "30 0 * * *"
    assert set(definitions.resources) >= {"dbt", "hub", "openrouter", "storage"}


def test_lineage_runs_from_the_raw_hub_asset_to_mart_adoption(definitions):
    graph = definitions.resolve_asset_graph()
    mart = dg.AssetKey(["marts", "mart_adoption"])

    upstream = graph.get(mart).parent_keys
    ancestors: set[dg.AssetKey] = set()
    while upstream:
        key = upstream.pop()
        if key not in ancestors:
            ancestors.add(key)
            upstream |= set(graph.get(key).parent_keys)

    assert dg.AssetKey(["raw", "hub_model_snapshots"]) in ancestors
    assert dg.AssetKey(["staging", "stg_hub__model_snapshots"]) in ancestors
    assert dg.AssetKey(["marts", "fct_model_downloads_daily"]) in ancestors
    assert dg.AssetKey(["reference", "developer_registry"]) in ancestors


def test_every_asset_has_a_description_and_a_layer_group(definitions):
    graph = definitions.resolve_asset_graph()
    groups = {"raw", "reference", "staging", "intermediate", "marts", "warehouse"}

    for key in graph.materializable_asset_keys:
        node = graph.get(key)
        assert node.description, f"{key.to_user_string()} has no description"
        assert node.group_name in groups, f"{key.to_user_string()} is in group {node.group_name}"


def test_dbt_tests_are_asset_checks(definitions):
    graph = definitions.resolve_asset_graph()
    checks = {check.name for check in graph.asset_check_keys}

    assert any(name.startswith("unique_dim_models_model_id") for name in checks)


def test_price_marts_descend_from_both_raw_price_assets_next_to_the_hub(definitions):
    graph = definitions.resolve_asset_graph()
    openrouter = dg.AssetKey(["raw", "openrouter_models"])

    ancestors: set[dg.AssetKey] = set()
    upstream = set(graph.get(dg.AssetKey(["marts", "mart_cost_ratio"])).parent_keys)
    while upstream:
        key = upstream.pop()
        if key not in ancestors:
            ancestors.add(key)
            upstream |= set(graph.get(key).parent_keys)

    assert openrouter in ancestors
    assert dg.AssetKey(["raw", "genai_prices"]) in ancestors
    assert dg.AssetKey(["marts", "dim_models"]) in ancestors  # the link to the Hub models
    assert (
        graph.get(openrouter).partitions_def
        == graph.get(dg.AssetKey(["raw", "hub_model_snapshots"])).partitions_def
    )
    assert graph.get(openrouter).group_name == "raw"
