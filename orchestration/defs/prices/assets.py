"""Raw price assets: thin adapters that fetch price lists, validate the OpenRouter ones and
append the good ones to the raw layer (the bad ones to the quarantine)."""

import datetime as dt

import dagster as dg

from ingestion.price_timelines.recorded import load_prices, package_version
from ingestion.price_timelines.schema import GENAI_PRICES_PACKAGE, GENAI_PRICES_SCHEMA
from ingestion.prices.quality import ID_COLUMN, price_snapshot_suite, validate_price_snapshot
from ingestion.prices.schema import OPENROUTER_MODELS_SCHEMA
from orchestration.defs.prices.resources import (
    OpenRouterSourceResource,
)
from orchestration.defs.quality.ingest import daily_raw_asset, ingest_partition, partition_result
from orchestration.defs.quality.retries import RAW_RETRY_POLICY, final_on_bad_input
from orchestration.lib.layout import Dataset
from orchestration.lib.resources import StorageResource

OPENROUTER_MODELS_KEY = dg.AssetKey(Dataset.OPENROUTER_MODELS.asset_path)
GENAI_PRICES_KEY = dg.AssetKey(Dataset.GENAI_PRICES.asset_path)

PRICE_SNAPSHOT_EXPECTATIONS_CHECK = "price_snapshot_expectations"


@daily_raw_asset(
    Dataset.OPENROUTER_MODELS,
    kinds={"openrouter", "parquet"},
    check_specs=[
        dg.AssetCheckSpec(
            PRICE_SNAPSHOT_EXPECTATIONS_CHECK,
            asset=OPENROUTER_MODELS_KEY,
            blocking=True,
            description="Every day's price list reads, meets the price suite (GX: ids, decimal "
            "prices or the -1 sentinel) and does not collapse against the previous accepted "
            "day; failing days are quarantined.",
        ),
    ],
)
def openrouter_models(
    context: dg.AssetExecutionContext,
    openrouter: OpenRouterSourceResource,
    storage: StorageResource,
) -> dg.MaterializeResult:
    """OpenRouter's model and price list, one snapshot per UTC day, validated before it is stored.

    Grain: one row per OpenRouter id (variants such as `:free` and `:batch` are their own rows)
    per fetch, stamped with `snapshot_date`, `fetched_at` and `source_uri`. Source: the recorded
    folder of raw `/models` answers (`PRICES_SNAPSHOT_DIR`, `YYYY-MM-DD.json`) or, live,
    `GET {OPENROUTER_BASE_URL}/models?output_modalities=all`. Meaning: the list prices in USD
    per token as OpenRouter states them (verbatim strings) with their exact decimal parse in
    USD per million tokens, a price status (priced, free, unknown for sentinels like -1) and the
    prompt-size or time-of-day overrides, flagged. Append-only; days without a file are gaps.
    Each day is validated first (price suite, comparison with the previous accepted day); a day
    that cannot be parsed or fails a blocking rule goes to
    `$DATA_DIR/quarantine/openrouter_models/` as it came, with its reason, and stays out of the
    raw layer, so dbt sees a gap.
    """
    run, store, quarantine = ingest_partition(
        context,
        storage,
        dataset=Dataset.OPENROUTER_MODELS,
        schema=OPENROUTER_MODELS_SCHEMA,
        source=openrouter.source(),
        suite=price_snapshot_suite,
        validate=lambda day, snapshot, previous, validator: validate_price_snapshot(
            day, snapshot.frame, location=snapshot.location, previous=previous, validator=validator
        ),
        compared_columns=[ID_COLUMN],
    )
    return partition_result(run, store, quarantine, PRICE_SNAPSHOT_EXPECTATIONS_CHECK)


@dg.asset(
    key=GENAI_PRICES_KEY,
    group_name="raw",
    kinds={"python", "parquet"},
    retry_policy=RAW_RETRY_POLICY,
)
def genai_prices(storage: StorageResource) -> dg.MaterializeResult:
    """Providers' list prices with the dates they changed, from the `genai-prices` package.

    Grain: one row per provider x model x price tier x dated price per load, stamped with
    `snapshot_date` (the load day), `fetched_at` and `source_uri` (`genai-prices==<version>`).
    Source: the installed PyPI package `genai-prices` (MIT, offline; version pinned in
    pyproject.toml and stored in `package_version`). Meaning: a price history that reaches back
    before the first OpenRouter snapshot; `start_date` is when a price started (null: the
    package does not say). Append-only; an identical reload is not stored again.
    """
    with final_on_bad_input():
        version = package_version()
        frame = load_prices()
        store = storage.raw_store(Dataset.GENAI_PRICES, GENAI_PRICES_SCHEMA)
        now = dt.datetime.now(dt.UTC)
        result = store.write(
            now.date(), frame, source_uri=f"{GENAI_PRICES_PACKAGE}=={version}", fetched_at=now
        )
    return dg.MaterializeResult(
        metadata={
            "rows": dg.MetadataValue.int(result.rows),
            "package_version": dg.MetadataValue.text(version),
            "stored": dg.MetadataValue.bool(result.written),
            "raw_path": dg.MetadataValue.path(str(store.directory)),
        }
    )
