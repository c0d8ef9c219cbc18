"""The dbt project as Dagster assets.

One daily-partitioned `@dbt_assets` over the whole project, with a single-run backfill policy:
a run over any range of days is one `dbt build`, so models, seeds and tests run in dbt's own
order and the run stays short. Incremental models read the partition dates as dbt vars and
rebuild only those days; table models are rebuilt whole on every run. (Splitting incremental
from table models into two asset definitions, as some projects do, made Dagster cut the dbt
graph into four invocations here, with tests run before the models they test.)
dbt tests become asset checks. dbt builds in a private DuckDB file that is published for readers
only after a successful build (see `orchestration.lib.warehouse`).
"""

import json
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.defs.dbt.translator import ObservatoryDbtTranslator
from orchestration.lib.partitions import DAILY_PARTITIONS, partition_window_to_dbt_vars
from orchestration.lib.resources import StorageResource
from orchestration.lib.settings import DBT_PROJECT_DIR
from orchestration.lib.warehouse import publish_warehouse


def dbt_project() -> DbtProject:
    project = DbtProject(project_dir=DBT_PROJECT_DIR)
    # Parses the project when run under `dagster dev`; elsewhere `make` runs `dbt parse` first.
    project.prepare_if_dev()
    return project


def build_dbt_assets(manifest_path: Path) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=manifest_path,
        partitions_def=DAILY_PARTITIONS,
        backfill_policy=dg.BackfillPolicy.single_run(),
        dagster_dbt_translator=ObservatoryDbtTranslator(),
        name="dbt_observatory",
    )
    def dbt_observatory(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, storage: StorageResource
    ):
        dbt_vars = storage.dbt_vars() | partition_window_to_dbt_vars(context.partition_time_window)
        storage.build_warehouse_path.parent.mkdir(parents=True, exist_ok=True)
        # A failing model or test raises here, and nothing is published.
        yield from dbt.cli(["build", "--vars", json.dumps(dbt_vars)], context=context).stream()
        published = publish_warehouse(storage.build_warehouse_path, storage.warehouse_path)
        context.log.info(f"published the warehouse to {published}")

    return dbt_observatory
