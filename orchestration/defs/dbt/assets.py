"""The dbt project as one Dagster multi-asset, and the publishing of the warehouse.

- `dbt_models`: every seed, model and data test, in one `dbt build` per run. The first day to
  rebuild (the run's first day, or an earlier one evicted from or admitted to the raw layer:
  `orchestration.lib.rebuild_window`) reaches dbt as an environment variable, and the
  incremental models rebuild the days from it on; everything else (dimensions, marts) is
  rebuilt whole. The dbt
  assets are not partitioned themselves: Dagster records a materialization per asset per
  partition, ~27 ms each in its SQLite storage, and a 300-day run of the incremental half alone
  wrote ~1,200 of them. The raw assets upstream carry the days.
- `published_warehouse`: once every model and test succeeded, the marts that changed are
  published as Parquet, read through a small DuckDB file of views (see
  `orchestration.lib.warehouse`).

One invocation rather than a daily half and a rest: each dbt process costs its start (imports,
adapter, manifest) and a Dagster step. dbt tests become asset checks.
"""

import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from ingestion.usage.schema import RANKINGS_SCHEMA
from orchestration.defs.dbt.metadata import with_table_metadata
from orchestration.defs.dbt.translator import ObservatoryDbtTranslator
from orchestration.lib.dbt_parse import (
    PARTIAL_PARSE_FILE_NAME,
    dbt_run_environment,
    keep_parse,
    seed_parse,
)
from orchestration.lib.layout import Dataset
from orchestration.lib.partitions import run_days
from orchestration.lib.rebuild_window import rebuild_env, run_rebuild_from
from orchestration.lib.recovery import rebuild_older_build
from orchestration.lib.resources import StorageResource
from orchestration.lib.settings import DBT_PARENT_ENV, DBT_PROJECT_DIR, REAL_DBT_ENV, real_dbt
from orchestration.lib.warehouse import publish_warehouse

PUBLISHED_WAREHOUSE_KEY = dg.AssetKey(["warehouse", "published_warehouse"])
# Unit tests run in `make test` (tests/dbt/test_dbt_unit_tests.py), not in production.
PRODUCTION_BUILD = ["build", "--exclude-resource-type", "unit_test"]


# Invocation folders (compiled SQL, logs, artifacts) kept in `$DATA_DIR/build/dbt`.
KEPT_INVOCATIONS = 10
# dbt's file log (`dbt.log` of each invocation) at info: each node's start and outcome, warnings
# and errors. At dbt's default (debug) it also logs every statement, a tenth of a build's time
# on the demo; the SQL each node ran is in the invocation's `run/` folder.
DBT_FILE_LOG = {"DBT_LOG_LEVEL_FILE": "info"}
# dbt's JSON artifacts (manifest.json twice, run_results.json): Dagster's event log already
# holds each node's outcome, and writing them took about 1.5 s of CPU a build. `DBT_WRITE_JSON=true`
# in the environment brings them back (`bench/scale.py` reads run_results.json).
DBT_WRITE_JSON = "DBT_WRITE_JSON"


def dbt_artifacts() -> dict[str, str]:
    return {DBT_WRITE_JSON: os.environ.get(DBT_WRITE_JSON, "false")}


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
    """One dbt invocation, its events streamed to Dagster, with dbt's parse kept.

    dagster-dbt gives each invocation its own folder under `DBT_TARGET_PATH` and seeds it with
    the `partial_parse.msgpack` found there; pointing it at `$DATA_DIR/build/dbt` and saving each
    invocation's parse back (`orchestration.lib.dbt_parse`) lets the next invocation skip
    parsing what did not change, in this DATA_DIR or, for its first one, in another.
    """
    target = storage.layout.dbt_target_path
    target.mkdir(parents=True, exist_ok=True)
    seed_parse(DBT_PROJECT_DIR, target)
    with dbt_environment(
        {
            **dbt_run_environment(storage.layout, DBT_PROJECT_DIR, target),
            REAL_DBT_ENV: real_dbt(),
            DBT_PARENT_ENV: str(os.getpid()),
            **DBT_FILE_LOG,
            **dbt_artifacts(),
            **(env or {}),
        }
    ):
        # dagster-dbt copies the environment and starts dbt inside `cli()`: the `with` ends
        # there, not around the generator, which may be suspended (or dropped) for long.
        invocation = dbt.cli(args, context=context)
    yield from with_table_metadata(invocation, storage.layout.build_warehouse_path)
    keep_parse(invocation.target_path / PARTIAL_PARSE_FILE_NAME, DBT_PROJECT_DIR, target)
    folders = sorted((p for p in target.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in folders[:-KEPT_INVOCATIONS]:
        shutil.rmtree(old, ignore_errors=True)


def dbt_project() -> DbtProject:
    project = DbtProject(project_dir=DBT_PROJECT_DIR)
    # Parses the project when run under `dagster dev`; elsewhere `make` runs `dbt parse` first.
    project.prepare_if_dev()
    return project


def build_dbt_assets(manifest_path: Path) -> list[dg.AssetsDefinition]:
    translator = ObservatoryDbtTranslator()

    @dbt_assets(
        manifest=manifest_path,
        dagster_dbt_translator=translator,
        name="dbt_models",
    )
    def dbt_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, storage: StorageResource
    ):
        # Live without an OpenRouter key the rankings asset is not in the job (see jobs.py):
        # its source must still read, as zero rows, on a fresh DATA_DIR.
        storage.raw_store(Dataset.OPENROUTER_RANKINGS, RANKINGS_SCHEMA)
        # A run that names no day (the dbt assets materialized on their own from the UI)
        # rebuilds the incremental models over every stored day.
        days = run_days(context.run.tags)
        env = {}
        if rebuilt := rebuild_older_build(storage.layout):
            context.log.warning(rebuilt)
        if days:
            first = run_rebuild_from(storage.layout, days[0])
            context.log.info(f"dbt rebuilds the daily tables from {first} (run: {days[0]} on)")
            env = rebuild_env(first)
        yield from run_dbt(context, dbt, storage, PRODUCTION_BUILD, env=env)

    @dg.asset(
        key=PUBLISHED_WAREHOUSE_KEY,
        deps=list(dbt_models.keys),
        group_name="warehouse",
        kinds={"duckdb"},
    )
    def published_warehouse(
        context: dg.AssetExecutionContext, storage: StorageResource
    ) -> dg.MaterializeResult:
        """The warehouse analysts read: `$DATA_DIR/warehouse.duckdb`, schema `marts`.

        Grain: one DuckDB file of views over one version of the marts' Parquet files
        (`$DATA_DIR/marts`). Source: the marts of the private file dbt builds in
        (`$DATA_DIR/build/warehouse.duckdb`); a mart, or a month of the daily fact, that did
        not change is linked from the version before, not written. Meaning: the marts of the
        last run whose every model and test succeeded; a failed run never gets here, so
        readers keep the last good marts, and they never block a build.
        """
        layout = storage.layout
        published = publish_warehouse(layout.build_warehouse_path, layout.warehouse_path)
        context.log.info(
            f"published {published.version}: {len(published.written)} file(s) written, "
            f"{len(published.linked)} unchanged"
        )
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(layout.warehouse_path)),
                "version": dg.MetadataValue.path(str(published.version)),
                "files_written": dg.MetadataValue.int(len(published.written)),
                "files_unchanged": dg.MetadataValue.int(len(published.linked)),
            }
        )

    return [dbt_models, published_warehouse]
