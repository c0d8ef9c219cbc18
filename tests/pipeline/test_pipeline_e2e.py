"""The whole pipeline on the demo data and on the real recordings, run as `make run` runs it,
then run again.

The marts are checked against the source files themselves, read here with Polars and `json`,
so the dbt logic is tested against an independent computation and not against itself. Nothing
compared with is pasted from the data: every expected value is computed from the files.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from ingestion.quality.quarantine import Quarantine
from tests.data import ROOT, read_answer
from tests.helpers import (
    correction_days,
    mart_hashes,
    read_marts,
)
from tests.plugins.pipeline import PipelineCase

pytestmark = pytest.mark.e2e

PAIRS = pl.read_csv(ROOT / "dbt_project" / "seeds" / "reference_model_pairs.csv")


@pytest.fixture(scope="module")
def first_run(pipeline: PipelineCase) -> dict[str, list[tuple]]:
    return read_marts(pipeline.warehouse)


@pytest.fixture(scope="module")
def con(pipeline, first_run):
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as connection:
        yield connection


def quarantined_days(pipeline: PipelineCase) -> set[dt.date]:
    entries = Quarantine(pipeline.data_dir / "quarantine", "hub_model_snapshots").entries()
    return {entry.day for entry in entries}


def test_only_the_broken_snapshot_is_quarantined(pipeline, demo):
    expected = {demo.bad_day} if pipeline.is_demo else set()
    prices = Quarantine(pipeline.data_dir / "quarantine", "openrouter_models").entries()

    assert quarantined_days(pipeline) == expected
    # Every price day is readable, field drift and notation ("5e-09") included.
    assert [entry.reason["reason"] for entry in prices] == []


def test_the_hubs_counter_corrections_are_flagged_not_negative(con, pipeline):
    corrected = {
        model_id
        for (model_id,) in con.execute(
            "select model_id from marts.fct_model_downloads_daily where is_counter_correction"
        ).fetchall()
    }
    negatives = con.execute(
        "select count(*) from marts.fct_model_downloads_daily where downloads < 0"
    ).fetchall()[0][0]

    from_files = {m for _, down in correction_days(pipeline.hub_daily) for m in down}
    assert corrected == from_files
    assert len(corrected) > 0
    assert negatives == 0


def test_every_model_of_the_tracked_orgs_is_attributed(con):
    unattributed = con.execute(
        "select count(*) from marts.dim_models where is_tracked and developer_id = 'unattributed'"
    ).fetchall()[0][0]
    assert unattributed == 0


def test_a_rebuild_from_scratch_gives_every_mart_byte_for_byte(pipeline, first_run):
    """The whole run again with dbt's warehouse deleted first: every model, the incremental one
    included, is built from nothing, and every mart hashes the same as after the first run. (The
    two-day rerun below is the incremental rerun on existing state.)"""
    if not pipeline.is_demo:
        pytest.skip("a whole second run is proven on the demo (the real case reruns two days)")
    before = mart_hashes(pipeline.warehouse)
    (pipeline.data_dir / "build" / "warehouse.duckdb").unlink()

    pipeline.run()

    assert read_marts(pipeline.warehouse) == first_run
    assert mart_hashes(pipeline.warehouse) == before


# dbt keeps its parse between runs of one DATA_DIR: what changes per run (the partition dates)
# reaches dbt through environment variables, and each invocation's parse is saved in
# `$DATA_DIR/build/dbt`, so a rerun only re-parses files whose inputs changed. dbt's log says
# so at info level (the level of the run's `dbt.log`) only when it cannot.
FULL_PARSE = "Unable to do partial parsing"
# dbt's line after the parse, at info level: the log is read from the start of the invocation.
PARSED = "Found "


def log_messages(log: Path) -> list[str]:
    """The messages of one invocation's dbt.log (JSON lines)."""
    messages = []
    for line in log.read_text().splitlines():
        try:
            messages.append(json.loads(line)["info"]["msg"])
        except (ValueError, KeyError):
            continue
    return messages


def test_rerunning_two_partitions_is_idempotent_and_reuses_dbts_parse(pipeline, first_run, demo):
    # Around a day the incremental window must widen for: the demo's partly stale day, the
    # real recordings' counter corrections.
    if pipeline.is_demo:
        day = demo.partly_stale_day.isoformat()
    else:
        day, _ = correction_days(pipeline.hub_daily)[0]
    before = (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
    hashes = mart_hashes(pipeline.warehouse)
    target = pipeline.data_dir / "build" / "dbt"
    known = {path for path in target.iterdir() if path.is_dir()}

    pipeline.run("--start", before, "--end", day)

    assert read_marts(pipeline.warehouse) == first_run
    assert mart_hashes(pipeline.warehouse) == hashes
    invocations = [p for p in target.iterdir() if p.is_dir() and p not in known]
    assert (target / "partial_parse.msgpack").exists()
    assert {p.name.split("-")[0] for p in invocations} == {"dbt_models"}
    for invocation in invocations:
        messages = log_messages(invocation / "dbt.log")
        assert [m for m in messages if m.startswith(PARSED)], (invocation.name, messages[:5])
        assert not [m for m in messages if FULL_PARSE in m], invocation.name


def test_readme_sql_runs_and_returns_rows(con):
    readme = (ROOT / "README.md").read_text()
    queries = re.findall(r"```sql\n(.*?)```", readme, flags=re.S)

    assert len(queries) >= 3
    for query in queries:
        assert con.execute(query).fetchall(), f"no rows from:\n{query}"


def test_days_after_the_recordings_are_not_partitions_and_a_run_over_them_changes_nothing(
    pipeline, first_run
):
    if not pipeline.is_demo:
        pytest.skip("the same code path as the demo case; not worth a second real run")
    (last,) = {max(row[1] for row in first_run["fct_model_downloads_daily"])}
    after = [(last + dt.timedelta(days=n)).isoformat() for n in (60, 61)]

    pipeline.run("--start", after[0], "--end", after[1])

    assert read_marts(pipeline.warehouse) == first_run
    instance = dg.DagsterInstance.from_config(str(pipeline.data_dir / "dagster"))
    stored = instance.get_materialized_partitions(dg.AssetKey(["raw", "hub_model_snapshots"]))
    assert stored and not stored & set(after)


def price_day(con) -> dt.date:
    ((day,),) = con.execute(
        "select max(price_date) from marts.mart_cost_ratio where price_source = 'openrouter'"
    ).fetchall()
    return day


def answer_of(pipeline: PipelineCase, day: dt.date) -> list[dict]:
    (path,) = pipeline.price_daily.glob(f"{day.isoformat()}.json*")
    return read_answer(path)["data"]


def blended(model: dict) -> Decimal | None:
    """(3 x input + output) / 4 per million tokens, from the raw strings with Decimal, to the
    marts' 6 decimals (DECIMAL(18, 6), rounded half up as DuckDB rounds)."""
    prompt = Decimal(model["pricing"]["prompt"])
    completion = Decimal(model["pricing"]["completion"])
    if prompt < 0:
        return None
    return ((3 * prompt + completion) / 4 * 1_000_000).quantize(
        Decimal("1e-6"), rounding=ROUND_HALF_UP
    )


def openrouter_row(con, day: dt.date, model_id: str, tier: str) -> dict:
    rows = (
        con.sql(
            "select * from marts.mart_cost_ratio where price_date = ? and model_id = ? "
            "and price_tier = ?",
            params=[day, model_id, tier],
        )
        .pl()
        .to_dicts()
    )
    assert len(rows) == 1, (model_id, tier, rows)
    return rows[0]


def test_every_text_model_has_exactly_the_blended_price_its_raw_json_implies(con, pipeline):
    day = price_day(con)
    # Computed here from the JSON with Decimal, independently of the ingestion code.
    expected = {}
    for model in answer_of(pipeline, day):
        if model["architecture"]["output_modalities"] != ["text"]:
            continue
        base, _, suffix = model["id"].partition(":")
        expected[(base, suffix or "standard")] = blended(model)
    mart = {
        (row[0], row[1]): row[2]
        for row in con.execute(
            "select model_id, price_tier, blended_usd_per_mtok from marts.mart_cost_ratio "
            "where price_date = ? and is_text_model and price_source = 'openrouter'",
            [day],
        ).fetchall()
    }

    assert len(expected) > 10
    assert mart == expected


def test_times_cheaper_is_the_ratio_of_the_two_raw_blended_prices(con, pipeline):
    day = price_day(con)
    prices = {m["id"]: blended(m) for m in answer_of(pipeline, day)}
    checked = 0
    for model_id, reference_id in PAIRS.select("model_id", "reference_model_id").iter_rows():
        model, reference = prices.get(model_id), prices.get(reference_id)
        if not model or not reference:
            continue
        row = openrouter_row(con, day, model_id, "standard")
        assert row["reference_model_id"] == reference_id
        assert math.isclose(row["times_cheaper_than_reference"], float(reference / model))
        checked += 1
    assert checked >= len(PAIRS) // 2


def test_free_batch_sentinel_and_override_rows_of_the_snapshot(con, pipeline):
    day = price_day(con)
    models = answer_of(pipeline, day)
    ids = {m["id"] for m in models}

    free = next(m for m in models if m["id"].endswith(":free"))
    row = openrouter_row(con, day, free["id"].removesuffix(":free"), "free")
    assert (row["price_status"], row["blended_usd_per_mtok"]) == ("free", Decimal(0))
    assert row["times_cheaper_than_reference"] is None

    router = next(m for m in models if m["pricing"]["prompt"] == "-1")
    row = openrouter_row(con, day, router["id"], "standard")
    assert row["price_status"] == "unknown"
    assert row["blended_usd_per_mtok"] is None

    batches = [m for m in models if m["id"].endswith(":batch") and m["id"][:-6] in ids]
    for batch in batches:
        row = openrouter_row(con, day, batch["id"][:-6], "batch")
        assert row["blended_usd_per_mtok"] == blended(batch)

    for override in [m for m in models if m["pricing"].get("overrides")]:
        base, _, tier = override["id"].partition(":")
        row = openrouter_row(con, day, base, tier or "standard")
        assert row["has_overrides"] is True
        assert row["blended_usd_per_mtok"] == blended(override)  # the list price, not the peak

    for other in [m for m in models if m["architecture"]["output_modalities"] != ["text"]]:
        base, _, tier = other["id"].partition(":")
        row = openrouter_row(con, day, base, tier or "standard")
        assert row["is_text_model"] is False
        assert row["times_cheaper_than_reference"] is None


def test_reference_pairs_are_attributed_and_linked_to_the_hub(con, pipeline):
    day = price_day(con)
    hugging_face = {m["id"]: m.get("hugging_face_id") or None for m in answer_of(pipeline, day)}
    for model_id, reference_id in PAIRS.select("model_id", "reference_model_id").iter_rows():
        if model_id not in hugging_face or reference_id not in hugging_face:
            continue
        model = openrouter_row(con, day, model_id, "standard")
        reference = openrouter_row(con, day, reference_id, "standard")
        assert (model["country"], model["is_open_weights"]) == ("CN", True), model_id
        assert (reference["country"], reference["is_open_weights"]) == ("US", False)
        if model["hub_model_id"] is not None:
            assert model["hub_model_id"].lower() == hugging_face[model_id].lower()


def test_genai_prices_give_a_history_before_the_first_openrouter_snapshot(con, pipeline):
    sources = dict(
        con.execute(
            "select price_source, min(price_date) from marts.mart_cost_ratio group by all"
        ).fetchall()
    )
    assert sources["genai_prices"] < sources["openrouter"]
    # A price that did not change is one row of the history, not one per day (the history is
    # an intermediate table: in the build, not among the published marts).
    build = pipeline.data_dir / "build" / "warehouse.duckdb"
    with duckdb.connect(str(build), read_only=True) as built:
        (ranges,) = built.execute(
            "select count(*) from intermediate.int_prices__price_history "
            "where model_id = 'openai/gpt-4o' and price_tier = 'standard' "
            "and price_source = 'genai_prices'"
        ).fetchone()
    (days,) = con.execute(
        "select count(*) from marts.mart_cost_ratio where model_id = 'openai/gpt-4o' "
        "and price_tier = 'standard' and price_source = 'genai_prices'"
    ).fetchone()
    assert ranges < 5
    assert days > 5 * ranges


def test_the_data_dir_says_where_its_numbers_come_from(pipeline):
    stamp = (pipeline.data_dir / "DATA_ORIGIN").read_text().strip()
    assert stamp == ("demo" if pipeline.is_demo else "observed")
