"""The data layout: where everything of one `DATA_DIR` lives, decided here and nowhere else.

    $DATA_DIR/
      raw/<dataset>/snapshot_date=YYYY-MM-DD/<fetch>.parquet   append-only raw layer (dbt sources)
      quarantine/<dataset>/...                                   refused snapshots, with reasons
      build/warehouse.duckdb                                     the private file dbt builds in
      build/dbt/                                                 dbt's artifacts and kept parse
      build/spark/                                               the Spark target's warehouse and
                                                                 metastore (`dbt --target spark`)
      warehouse.duckdb                                           the published warehouse: views
                                                                 over the marts' Parquet files
      marts -> marts-versions/<UTC time>/<mart>.parquet          the marts (a link; the daily
                                                                 fact by month, <mart>/YYYY-MM)
      reports/index.html                                         the report (charts of the marts)
      run.lock                                                   held by the run writing here
      dagster/                                                   DAGSTER_HOME: runs, event logs
      demo/                                                      generated demo data (no recordings)
      rehearsal/                                                 what `observatory rehearse` serves
      backfill/hub/daily/YYYY-MM-DD.parquet                      the days `observatory backfill`
                                                                 read from hub-stats' revisions

`Settings` builds one `Layout`; the Dagster resources, the CLI and dbt (through `dbt_env`, the
environment every dbt invocation gets) all take their paths from it. The raw datasets are named
once, in `Dataset`; each is a raw asset `raw/<name>` and a dbt source table of the same name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

# The first day of the price calendar (the dbt macro `calendar_start`): the DeepSeek R1 month,
# the history this project is about. It is a choice of window, not a day of data: before the
# first OpenRouter snapshot the calendar carries the providers' own list prices (genai-prices).
# The daily partitions are the days of data instead (`orchestration.lib.partitions`).
CALENDAR_START = "2025-01-01"

# Every environment variable dbt reads, named here and nowhere else. `Layout.dbt_env` sets the
# paths; the run sets the rebuild's first day (`orchestration.lib.rebuild_window`) and the
# memory cap (`orchestration.lib.warehouse`, which applies it to the publishing too).
RAW_DIR_ENV = "OBSERVATORY_RAW_DIR"  # the sources (dbt_project.yml)
BUILD_WAREHOUSE_ENV = "OBSERVATORY_BUILD_WAREHOUSE"  # profiles.yml
CALENDAR_START_ENV = "OBSERVATORY_CALENDAR_START"  # the `calendar_start` macro
SPARK_DIR_ENV = "OBSERVATORY_SPARK_DIR"  # profiles.yml, the Spark target
REBUILD_FROM_ENV = "OBSERVATORY_REBUILD_FROM"  # the `rebuild_from` macro
MEMORY_LIMIT_ENV = "OBSERVATORY_DUCKDB_MEMORY_LIMIT"  # profiles.yml
# The folder dbt runs in (the dbt wrapper, `orchestration/lib/dbt_die_with_parent.py`, moves
# there): the run's dbt is given its DATA_DIR's paths relative to it (`Layout.dbt_run_env`).
DBT_WORKDIR_ENV = "OBSERVATORY_DBT_WORKDIR"


class Dataset(StrEnum):
    """The raw datasets: folder names in `raw/` and `quarantine/`, raw asset names, and the
    table names of the dbt sources that read them."""

    HUB_SNAPSHOTS = "hub_model_snapshots"
    HUB_CATALOG = "hub_model_catalog"
    OPENROUTER_MODELS = "openrouter_models"
    OPENROUTER_RANKINGS = "openrouter_rankings"
    GENAI_PRICES = "genai_prices"

    @property
    def asset_path(self) -> list[str]:
        """The raw asset's key path (`dg.AssetKey(dataset.asset_path)`)."""
        return ["raw", self.value]


# The daily datasets a quarantine can hold (validated day by day).
QUARANTINED_DATASETS: tuple[Dataset, ...] = (
    Dataset.HUB_SNAPSHOTS,
    Dataset.OPENROUTER_MODELS,
    Dataset.OPENROUTER_RANKINGS,
)


@dataclass(frozen=True)
class Layout:
    data_dir: Path

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def quarantine_dir(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def warehouse_path(self) -> Path:
        """The published warehouse analysts read (see `orchestration.lib.warehouse`)."""
        return self.data_dir / "warehouse.duckdb"

    @property
    def marts_dir(self) -> Path:
        """The marts as Parquet files, `<mart>.parquet` (a partitioned mart: a folder of
        `YYYY-MM.parquet`): a link to the newest version (`orchestration.lib.warehouse`)."""
        return self.data_dir / "marts"

    @property
    def marts_versions_dir(self) -> Path:
        return self.data_dir / "marts-versions"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def report_path(self) -> Path:
        """The report's page, opened offline (`orchestration.lib.report`)."""
        return self.reports_dir / "index.html"

    @property
    def build_dir(self) -> Path:
        return self.data_dir / "build"

    @property
    def build_warehouse_path(self) -> Path:
        """The private file dbt builds in; the profile points here."""
        return self.build_dir / "warehouse.duckdb"

    @property
    def dbt_target_path(self) -> Path:
        """dbt's artifacts and its kept parse for this data folder (see `run_dbt`)."""
        return self.build_dir / "dbt"

    @property
    def spark_dir(self) -> Path:
        """Where the Spark target (profiles.yml, `spark`) keeps its tables (`warehouse/`) and its
        Hive metastore (`metastore_db/`): built from the same raw layer as the DuckDB file, and
        never published (the pipeline stays on DuckDB; docs/scaling.md)."""
        return self.build_dir / "spark"

    @property
    def run_lock_path(self) -> Path:
        """Held (flock) by the one run writing to this DATA_DIR (`orchestration.lib.run_lock`)."""
        return self.data_dir / "run.lock"

    @property
    def dagster_home(self) -> Path:
        return self.data_dir / "dagster"

    @property
    def demo_dir(self) -> Path:
        """Where the CLI generates the demo data when no recordings are given."""
        return self.data_dir / "demo"

    @property
    def rehearsal_dir(self) -> Path:
        """What `observatory rehearse` generates to serve (the demo data, when no recordings
        are given) and the temporary home of the run's huggingface_hub."""
        return self.data_dir / "rehearsal"

    @property
    def backfill_dir(self) -> Path:
        """The days `observatory backfill` read, as a recordings folder the run ingests."""
        return self.data_dir / "backfill"

    def dbt_env(self) -> dict[str, str]:
        """The environment every dbt invocation gets, so dbt reads and writes where Dagster
        does. Environment rather than `--vars`: vars invalidate dbt's whole parse when they
        change, an environment variable only the files that read it."""
        return {
            RAW_DIR_ENV: self.raw_dir.as_posix(),
            BUILD_WAREHOUSE_ENV: self.build_warehouse_path.as_posix(),
            CALENDAR_START_ENV: CALENDAR_START,
            SPARK_DIR_ENV: self.spark_dir.as_posix(),
        }

    def dbt_run_env(self) -> dict[str, str]:
        """`dbt_env` for a dbt that runs in the DATA_DIR (`DBT_WORKDIR_ENV`), its raw layer and
        build warehouse named relative to it. dbt parses a project again from scratch when the
        profile (the warehouse's path) or the variables dbt_project.yml reads (the raw layer's)
        change: named this way they are the same in every DATA_DIR, so the parse of one serves
        the next (`orchestration.lib.dbt_parse`). Relative paths stay inside the build: the
        staging views read `raw/` from where dbt runs; no table or mart does."""
        return {
            **self.dbt_env(),
            RAW_DIR_ENV: os.path.relpath(self.raw_dir, self.data_dir),
            BUILD_WAREHOUSE_ENV: os.path.relpath(self.build_warehouse_path, self.data_dir),
            DBT_WORKDIR_ENV: self.data_dir.as_posix(),
        }
