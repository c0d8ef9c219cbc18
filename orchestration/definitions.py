"""Assembles the Dagster definitions; the logic lives in `defs/` and `lib/`."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.dbt.assets import build_dbt_assets, dbt_project
from orchestration.defs.dbt.resource import ObservatoryDbtCliResource
from orchestration.defs.hub.assets import hub_model_catalog, hub_model_snapshots
from orchestration.defs.hub.resources import HubSourceResource
from orchestration.defs.jobs import daily_job, daily_schedule
from orchestration.defs.prices.assets import genai_prices, openrouter_models
from orchestration.defs.prices.resources import OpenRouterSourceResource
from orchestration.defs.publish.assets import HubPublishResource, hub_dataset
from orchestration.defs.report.assets import observatory_report
from orchestration.defs.usage.assets import openrouter_rankings
from orchestration.defs.usage.resources import OpenRouterRankingsResource
from orchestration.lib.days import daily_partitions
from orchestration.lib.partitions import DAILY_PARTITIONS
from orchestration.lib.resources import StorageResource
from orchestration.lib.settings import OPENROUTER_API_KEY_ENV, Settings, dbt_executable


@dg.definitions
def defs() -> dg.Definitions:
    """The code location `dagster dev` loads: the settings of its environment."""
    return build_definitions(Settings.from_env())


def build_definitions(
    settings: Settings, partitions: dg.DailyPartitionsDefinition | None = None
) -> dg.Definitions:
    """Everything of one set of settings; the CLI hands it the settings it already read and
    the partitions it runs (`daily_partitions`)."""
    project = dbt_project()
    partitions = partitions or daily_partitions(settings)
    job = daily_job(partitions, with_rankings=settings.rankings_available)
    assets = [
        hub_model_snapshots,
        hub_model_catalog,
        openrouter_models,
        openrouter_rankings,
        genai_prices,
        *build_dbt_assets(project.manifest_path),
        observatory_report,
    ]
    publishing = {}
    if settings.publish_repo:
        # After the marts are published locally, the daily job uploads them to the Hub.
        assets.append(hub_dataset)
        publishing["hub_publish"] = HubPublishResource(
            repo=settings.publish_repo,
            endpoint=settings.hf_endpoint,
            token=dg.EnvVar("HF_TOKEN") if settings.hf_token else None,
        )
    return dg.Definitions(
        assets=dg.map_asset_specs(
            lambda spec: (
                spec.replace_attributes(partitions_def=partitions)
                if spec.partitions_def == DAILY_PARTITIONS
                else spec
            ),
            assets,
        ),
        jobs=[job],
        schedules=[daily_schedule(job, running=settings.source_mode == "live")],
        resources={
            "storage": StorageResource(data_dir=str(settings.data_dir)),
            "hub": HubSourceResource(
                mode=settings.source_mode,
                snapshot_dir=str(settings.hub_snapshot_dir),
                catalog_dir=str(settings.hub_catalog_dir),
                endpoint=settings.hf_endpoint,
                token=dg.EnvVar("HF_TOKEN") if settings.hf_token else None,
                hub_source=settings.hub_source,
                hub_stats_repo=settings.hub_stats_repo,
            ),
            "openrouter": OpenRouterSourceResource(
                mode=settings.source_mode,
                snapshot_dir=str(settings.prices_snapshot_dir),
                base_url=settings.openrouter_base_url,
            ),
            "openrouter_rankings": OpenRouterRankingsResource(
                mode=settings.source_mode,
                snapshot_dir=str(settings.rankings_snapshot_dir),
                base_url=settings.openrouter_base_url,
                api_key=dg.EnvVar(OPENROUTER_API_KEY_ENV) if settings.has_openrouter_key else None,
            ),
            "dbt": ObservatoryDbtCliResource(project_dir=project, dbt_executable=dbt_executable()),
            **publishing,
        },
    )
