"""The dbt project as Dagster assets, in two halves, and the publishing of the warehouse.

- `dbt_daily_models`: the incremental models and everything upstream of them, daily
  partitioned. A run over any range of days is one `dbt build` of these with the partition
  dates in the environment (single-run backfill), and incremental models rebuild only those
  days.
- `dbt_models`: everything else (seeds, dimensions, marts over the whole history),
  unpartitioned: rebuilt whole once per run, after the daily half. Keeping them out of the
  partitions matters: Dagster records a materialization per asset per partition, and a 109-day
  run over every model wrote ~9,000 events to its storage, most of the run's time.
- `published_warehouse`: once both halves (models and tests) succeeded, the private build file
  is copied over the warehouse analysts read (see `orchestration.lib.warehouse`).

No test may reach from the daily half into the other (it would run before the model it reads
on a fresh warehouse): the daily half runs with dbt's cautious indirect selection, and tests
that span both are attached to the unpartitioned side. dbt tests become asset checks.
"""

import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliInvocation, DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.core.dbt_cli_invocation import PARTIAL_PARSE_FILE_NAME

from ingestion.openrouter.rankings import RANKINGS_SCHEMA
from orchestration.defs.dbt.translator import ObservatoryDbtTranslator
from orchestration.lib.layout import Dataset
from orchestration.lib.partitions import DAILY_PARTITIONS, partition_window_to_dbt_env
from orchestration.lib.resources import StorageResource
from orchestration.lib.settings import DBT_PARENT_ENV, DBT_PROJECT_DIR, REAL_DBT_ENV, real_dbt
from orchestration.lib.warehouse import publish_warehouse

DAILY_SELECTION = "+config.materialized:incremental"
PUBLISHED_WAREHOUSE_KEY = dg.AssetKey(["warehouse", "published_warehouse"])
# Unit tests run in `make test` (tests/integration/test_dbt_unit_tests.py), not in production.
PRODUCTION_BUILD = ["build", "--exclude-resource-type", "unit_test"]


# Invocation folders (compiled SQL, logs, artifacts) kept in `$DATA_DIR/build/dbt`.
KEPT_INVOCATIONS = 10


@contextmanager
def dbt_environment(values: Mapping[str, str]) -> Iterator[None]:
    """`values` in the environment dagster-dbt hands the dbt process, for one invocation."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_dbt(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    storage: StorageResource,
    args: list[str],
    env: Mapping[str, str] | None = None,
) -> Iterator:
    """One dbt invocation, its events streamed to Dagster, with dbt's parse kept per DATA_DIR.

    dagster-dbt gives each invocation its own folder under `DBT_TARGET_PATH` and seeds it with
    the `partial_parse.msgpack` found there; pointing it at `$DATA_DIR/build/dbt` and saving each
    invocation's parse back lets the next run of this DATA_DIR skip parsing what did not change
    (a parse is only reusable by the same profile, and the profile names the DATA_DIR).
    """
    target = storage.layout.dbt_target_path
    target.mkdir(parents=True, exist_ok=True)
    with dbt_environment(
        {
            **storage.layout.dbt_env(),
            "DBT_TARGET_PATH": str(target),
            REAL_DBT_ENV: real_dbt(),
            DBT_PARENT_ENV: str(os.getpid()),
            **(env or {}),
        }
    ):
        invocation = dbt.cli(args, context=context)
        yield from with_table_metadata(invocation)
    parsed = invocation.target_path / PARTIAL_PARSE_FILE_NAME
    if parsed.exists():
        kept = target / f".{PARTIAL_PARSE_FILE_NAME}.tmp"
        shutil.copyfile(parsed, kept)
        kept.replace(target / PARTIAL_PARSE_FILE_NAME)
    folders = sorted((p for p in target.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in folders[:-KEPT_INVOCATIONS]:
        shutil.rmtree(old, ignore_errors=True)


def with_table_metadata(invocation: DbtCliInvocation) -> Iterator:
    """The invocation's events, each built model's carrying its columns (names and types) and,
    for tables, its row count: the UI shows both. Not the column lineage: sqlglot parsing every
    model took 15 s of a run's 17 s of fetching (docs/notes/issue-12-ui.md).

    dagster-dbt reads them through dbt's adapter in this process, once dbt has exited (DuckDB
    has one writer per file). The adapter's DuckDB connection is closed afterwards: dbt-duckdb
    keeps it open for the life of the process (`keep_open`), holding the build file, and the
    run's next dbt invocation (another process) could not open it."""
    try:
        events = invocation.stream().fetch_row_counts()
        yield from events.fetch_column_metadata(with_column_lineage=False)
    finally:
        adapter = invocation.adapter
        if adapter is not None:
            adapter.cleanup_connections()
            # dbt-duckdb's process-wide connection; other adapters have no such method.
            close_all = getattr(type(adapter.connections), "close_all_connections", None)
            if close_all is not None:
                close_all()


def dbt_project() -> DbtProject:
    project = DbtProject(project_dir=DBT_PROJECT_DIR)
    # Parses the project when run under `dagster dev`; elsewhere `make` runs `dbt parse` first.
    project.prepare_if_dev()
    return project


def build_dbt_assets(manifest_path: Path) -> list[dg.AssetsDefinition]:
    translator = ObservatoryDbtTranslator()

    @dbt_assets(
        manifest=manifest_path,
        select=DAILY_SELECTION,
        partitions_def=DAILY_PARTITIONS,
        backfill_policy=dg.BackfillPolicy.single_run(),
        dagster_dbt_translator=translator,
        name="dbt_daily_models",
    )
    def dbt_daily_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, storage: StorageResource
    ):
        window = partition_window_to_dbt_env(context.partition_time_window)
        args = [*PRODUCTION_BUILD, "--indirect-selection", "cautious"]
        yield from run_dbt(context, dbt, storage, args, env=window)

    @dbt_assets(
        manifest=manifest_path,
        exclude=DAILY_SELECTION,
        dagster_dbt_translator=translator,
        name="dbt_models",
    )
    def dbt_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, storage: StorageResource
    ):
        # Live without an OpenRouter key the rankings asset is not in the job (see jobs.py):
        # its source must still read, as zero rows, on a fresh DATA_DIR.
        storage.raw_store(Dataset.OPENROUTER_RANKINGS, RANKINGS_SCHEMA)
        # This half holds no incremental model: a full refresh only recreates the seeds, so a
        # seed whose columns changed loads instead of failing on the old table.
        yield from run_dbt(context, dbt, storage, [*PRODUCTION_BUILD, "--full-refresh"])

    @dg.asset(
        key=PUBLISHED_WAREHOUSE_KEY,
        deps=[*dbt_daily_models.keys, *dbt_models.keys],
        group_name="warehouse",
        kinds={"duckdb"},
    )
    def published_warehouse(
        context: dg.AssetExecutionContext, storage: StorageResource
    ) -> dg.MaterializeResult:
        """The warehouse analysts read: `$DATA_DIR/warehouse.duckdb`, schema `marts`.

        Grain: one DuckDB file. Source: the private file dbt builds in
        (`$DATA_DIR/build/warehouse.duckdb`), copied and renamed over this one. Meaning: the
        marts of the last run whose every model and test succeeded; a failed run never gets
        here, so readers keep the last good marts, and they never block a build.
        """
        published = publish_warehouse(
            storage.layout.build_warehouse_path, storage.layout.warehouse_path
        )
        context.log.info(f"published the warehouse to {published}")
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(published)),
                "size_mib": dg.MetadataValue.float(round(published.stat().st_size / 2**20, 1)),
            }
        )

    return [dbt_daily_models, dbt_models, published_warehouse]
