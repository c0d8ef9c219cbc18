"""How dbt nodes appear in Dagster: keyed and grouped by warehouse layer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings


class ObservatoryDbtTranslator(DagsterDbtTranslator):
    """Models and seeds become `<schema>/<name>` (`marts/mart_adoption`), in a group per layer,
    so the UI's lineage reads raw -> reference/staging -> intermediate -> marts. Sources keep
    the asset key set in their `meta.dagster.asset_key`: the raw assets Dagster writes."""

    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_code_references=False))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return dg.AssetKey([_schema(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "raw"
        return _schema(dbt_resource_props)


def _schema(dbt_resource_props: Mapping[str, Any]) -> str:
    return dbt_resource_props.get("config", {}).get("schema") or "main"
