"""The whole pipeline on the bundled recordings, run as `make run` runs it, then run again.

The marts are checked against the snapshot files themselves, read here with Polars, so the
dbt logic is tested against an independent computation and not against itself.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from orchestration.cli import main
from tests.conftest import OPENROUTER_FILE, RECORDED, ROOT

pytestmark = pytest.mark.e2e

MARTS = (
    "dim_developers",
    "dim_models",
    "fct_model_downloads_daily",
    "mart_adoption",
    "fct_model_lineage",
    "mart_market_share",
    "mart_share_crossovers",
    "mart_market_concentration",
    "mart_cost_ratio",
    "mart_price_summary",
)


def read_marts(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            name: sorted(con.execute(f"select * from marts.{name}").fetchall(), key=repr)
            for name in MARTS
        }


@pytest.fixture(scope="module")
def data_dir(pipeline_data_dir, monkeypatch_module) -> Path:
    monkeypatch_module.setenv("DATA_DIR", str(pipeline_data_dir))
    monkeypatch_module.setenv("SOURCE_MODE", "recorded")
    monkeypatch_module.delenv("HUB_SNAPSHOT_DIR", raising=False)
    monkeypatch_module.delenv("DAGSTER_HOME", raising=False)
    return pipeline_data_dir


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def first_run(data_dir) -> dict[str, list[tuple]]:
    return read_marts(data_dir / "warehouse.duckdb")


@pytest.fixture(scope="module")
def con(data_dir, first_run) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def snapshot_counters() -> pl.DataFrame:
    return pl.read_parquet(
        RECORDED / "hub" / "daily" / "*.parquet", include_file_paths="path"
    ).select(
        pl.col("id").alias("model_id"),
        pl.col("path").str.extract(r"(\d{4}-\d{2}-\d{2})\.parquet$").str.to_date().alias("day"),
        pl.col("downloadsAllTime").alias("counter"),
    )


def test_daily_downloads_between_two_observations_sum_to_the_counter_increase(
    con, snapshot_counters
):
    expected = (
        snapshot_counters.sort("model_id", "day")
        .with_columns(
            previous_day=pl.col("day").shift(1).over("model_id"),
            increase=(pl.col("counter") - pl.col("counter").shift(1).over("model_id")),
        )
        .drop_nulls("previous_day")
    )
    daily = con.sql(
        "select model_id, download_date as day, downloads from marts.fct_model_downloads_daily"
    ).pl()
    summed = (
        expected.join(daily, on="model_id")
        .filter(
            (pl.col("day_right") > pl.col("previous_day")) & (pl.col("day_right") <= pl.col("day"))
        )
        .group_by("model_id", "day")
        .agg(pl.col("downloads").sum().alias("summed"), pl.len().alias("days"))
    )
    checked = expected.join(summed, on=["model_id", "day"], how="left")

    assert checked.height > 13_000
    gaps_filled = checked.filter(
        pl.col("days") != (pl.col("day") - pl.col("previous_day")).dt.total_days()
    )
    assert gaps_filled.height == 0, gaps_filled.head()
    rising = checked.filter(pl.col("increase") >= 0)
    mismatches = rising.filter(pl.col("summed") != pl.col("increase"))
    assert mismatches.height == 0, mismatches.head()
    falling = checked.filter(pl.col("increase") < 0)
    assert falling.filter(pl.col("summed") != 0).height == 0


def test_the_three_counter_corrections_of_june_15_are_flagged_not_negative(con):
    corrected = con.execute(
        "select model_id from marts.fct_model_downloads_daily "
        "where is_counter_correction order by model_id"
    ).fetchall()
    negatives = con.execute(
        "select count(*) from marts.fct_model_downloads_daily where downloads < 0"
    ).fetchone()[0]

    assert ("Qwen/Qwen2.5-Coder-32B",) in corrected
    assert ("google/gemma-2b",) in corrected
    assert len(corrected) == 3
    assert negatives == 0


def test_one_row_per_model_per_day_from_first_to_last_observation(con, snapshot_counters):
    spans = snapshot_counters.group_by("model_id").agg(
        pl.col("day").min().alias("first"), pl.col("day").max().alias("last")
    )
    expected_rows = int(((spans["last"] - spans["first"]).dt.total_days() + 1).sum())

    (rows,) = con.execute("select count(*) from marts.fct_model_downloads_daily").fetchone()
    assert rows == expected_rows


def test_every_model_of_the_tracked_orgs_is_attributed(con):
    unattributed = con.execute(
        "select count(*) from marts.dim_models where is_tracked and developer_id = 'unattributed'"
    ).fetchone()[0]
    assert unattributed == 0


def test_a_second_run_leaves_every_mart_with_the_same_rows(data_dir, first_run):
    assert main(["run"]) == 0

    assert read_marts(data_dir / "warehouse.duckdb") == first_run


def test_rerunning_one_partition_is_idempotent(data_dir, first_run):
    assert main(["run", "--start", "2026-06-15", "--end", "2026-06-16"]) == 0

    assert read_marts(data_dir / "warehouse.duckdb") == first_run


def test_readme_sql_runs_and_returns_rows(con):
    readme = (ROOT / "README.md").read_text()
    queries = re.findall(r"```sql\n(.*?)```", readme, flags=re.S)

    assert len(queries) >= 3
    for query in queries:
        assert con.execute(query).fetchall(), f"no rows from:\n{query}"


def test_partitions_outside_the_recordings_are_gaps_not_failures(data_dir, first_run):
    assert main(["run", "--start", "2026-07-26", "--end", "2026-07-27"]) == 0

    assert read_marts(data_dir / "warehouse.duckdb") == first_run
    assert dt.date(2026, 7, 26) not in {row[1] for row in first_run["fct_model_downloads_daily"]}


PRICE_DAY = dt.date(2026, 8, 19)


def openrouter_row(con, model_id: str, tier: str) -> dict:
    rows = (
        con.sql(
            "select * from marts.mart_cost_ratio where price_date = ? and model_id = ? "
            "and price_tier = ?",
            params=[PRICE_DAY, model_id, tier],
        )
        .pl()
        .to_dicts()
    )
    assert len(rows) == 1, (model_id, tier, rows)
    return rows[0]


def test_every_text_model_has_exactly_the_blended_price_its_raw_json_implies(con):
    # Computed here from the JSON with Decimal, independently of the ingestion code.
    expected = {}
    for model in json.loads(OPENROUTER_FILE.read_text())["data"]:
        if model["architecture"]["output_modalities"] != ["text"]:
            continue
        base, _, suffix = model["id"].partition(":")
        prompt = Decimal(model["pricing"]["prompt"])
        completion = Decimal(model["pricing"]["completion"])
        blended = None if prompt < 0 else (3 * prompt + completion) / 4 * 1_000_000
        expected[(base, suffix or "standard")] = blended
    mart = {
        (row[0], row[1]): row[2]
        for row in con.execute(
            "select model_id, price_tier, blended_usd_per_mtok from marts.mart_cost_ratio "
            "where price_date = ? and is_text_model and price_source = 'openrouter'",
            [PRICE_DAY],
        ).fetchall()
    }

    assert len(expected) == 399
    assert mart == expected


def test_times_cheaper_agrees_with_the_two_blended_prices(con):
    rows = con.execute(
        "select model.model_id, model.blended_usd_per_mtok, reference.blended_usd_per_mtok, "
        "model.times_cheaper_than_reference "
        "from marts.mart_cost_ratio as model "
        "inner join marts.mart_cost_ratio as reference "
        "on model.reference_model_id = reference.model_id "
        "and model.price_date = reference.price_date and model.price_tier = reference.price_tier "
        "where model.price_date = ? and model.times_cheaper_than_reference is not null",
        [PRICE_DAY],
    ).fetchall()

    assert len(rows) >= 10
    for model_id, blended, reference, ratio in rows:
        assert math.isclose(ratio, float(reference / blended), rel_tol=1e-12), model_id
    deepseek = openrouter_row(con, "deepseek/deepseek-v4-pro", "standard")
    # GPT-5.5 (5 and 30 USD per million) against DeepSeek V4 Pro (0.66 and 1.98): 11.25 / 0.99.
    assert deepseek["reference_model_id"] == "openai/gpt-5.5"
    assert math.isclose(deepseek["times_cheaper_than_reference"], 11.25 / 0.99)


def test_free_batch_sentinel_and_override_rows_of_the_snapshot(con):
    free = openrouter_row(con, "z-ai/glm-5.2", "free")
    assert (free["price_status"], free["blended_usd_per_mtok"]) == ("free", Decimal(0))
    assert free["times_cheaper_than_reference"] is None

    batch = openrouter_row(con, "openai/gpt-5.5", "batch")
    assert batch["price_status"] == "priced"
    assert batch["blended_usd_per_mtok"] == Decimal("5.625")  # half of the standard 11.25

    router = openrouter_row(con, "openrouter/auto", "standard")
    assert router["price_status"] == "unknown"
    assert router["blended_usd_per_mtok"] is None
    assert router["developer_id"] == "unattributed"

    override = openrouter_row(con, "deepseek/deepseek-v4-pro-0813", "standard")
    assert override["has_overrides"] is True
    assert override["blended_usd_per_mtok"] == Decimal("0.99")  # the list price, not the peak

    embedding = openrouter_row(con, "qwen/qwen3-embedding-8b", "standard")
    assert embedding["is_text_model"] is False
    assert embedding["times_cheaper_than_reference"] is None


def test_priced_models_are_attributed_and_linked_to_the_hub(con):
    kimi = openrouter_row(con, "moonshotai/kimi-k2.6", "standard")
    assert (kimi["developer_id"], kimi["country"], kimi["is_open_weights"]) == (
        "moonshot",
        "CN",
        True,
    )
    assert kimi["hub_model_id"] == "moonshotai/Kimi-K2.6"
    claude = openrouter_row(con, "anthropic/claude-opus-4.7", "standard")
    assert (claude["developer_id"], claude["country"], claude["is_open_weights"]) == (
        "anthropic",
        "US",
        False,
    )


def test_genai_prices_give_a_history_before_the_first_openrouter_snapshot(con):
    sources = dict(
        con.execute(
            "select price_source, min(price_date) from marts.mart_cost_ratio group by all"
        ).fetchall()
    )
    assert sources["openrouter"] == PRICE_DAY
    assert sources["genai_prices"] == dt.date(2025, 1, 1)
    # A price that did not change is one row of the history, not one per day.
    ranges, days = con.execute(
        "select (select count(*) from intermediate.int_prices__price_history "
        "where model_id = 'openai/gpt-4o' and price_tier = 'standard' "
        "and price_source = 'genai_prices'), "
        "(select count(*) from marts.mart_cost_ratio where model_id = 'openai/gpt-4o' "
        "and price_tier = 'standard' and price_source = 'genai_prices')"
    ).fetchone()
    assert ranges < 5
    assert days > 500
