"""Raw price assets: thin adapters that fetch price lists and append them to the raw layer."""

import datetime as dt

import dagster as dg

from ingestion.genai_prices.loader import GENAI_PRICES_PACKAGE, load_prices, package_version
from orchestration.defs.prices.resources import OpenRouterSourceResource
from orchestration.lib.partitions import DAILY_PARTITIONS, days_in_window
from orchestration.lib.resources import StorageResource

OPENROUTER_MODELS_KEY = dg.AssetKey(["raw", "openrouter_models"])
GENAI_PRICES_KEY = dg.AssetKey(["raw", "genai_prices"])


@dg.asset(
    key=OPENROUTER_MODELS_KEY,
    partitions_def=DAILY_PARTITIONS,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="raw",
    kinds={"openrouter", "parquet"},
)
def openrouter_models(
    context: dg.AssetExecutionContext,
    openrouter: OpenRouterSourceResource,
    storage: StorageResource,
) -> dg.MaterializeResult:
    """OpenRouter's model and price list, one snapshot per UTC day.

    Grain: one row per OpenRouter id (variants such as `:free` and `:batch` are their own rows)
    per fetch, stamped with `snapshot_date`, `fetched_at` and `source_uri`. Source: the recorded
    folder of raw `/models` answers (`PRICES_SNAPSHOT_DIR`, `YYYY-MM-DD.json`) or, live,
    `GET {OPENROUTER_BASE_URL}/models?output_modalities=all`. Meaning: the list prices in USD
    per token as OpenRouter states them (verbatim strings) with their exact decimal parse in
    USD per million tokens, a price status (priced, free, unknown for sentinels like -1) and the
    prompt-size or time-of-day overrides, flagged. Append-only; days without a file are gaps.
    """
    source = openrouter.source()
    store = storage.raw_store(OPENROUTER_MODELS_KEY.path[-1])
    fetched_at = dt.datetime.now(dt.UTC)
    written, unchanged, gaps, rows, pages = [], [], [], 0, 0
    for day in days_in_window(context.partition_time_window):
        snapshot = source.fetch(day)
        if snapshot is None:
            gaps.append(day.isoformat())
            continue
        result = store.write(
            day, snapshot.frame, source_uri=snapshot.location, fetched_at=fetched_at
        )
        (written if result.written else unchanged).append(day.isoformat())
        rows += result.rows
        pages += snapshot.pages
        context.log.info(f"{day}: {result.rows} models from {snapshot.location}")
    return dg.MaterializeResult(
        metadata={
            "rows": dg.MetadataValue.int(rows),
            "days_stored": dg.MetadataValue.int(len(written)),
            "days_unchanged": dg.MetadataValue.int(len(unchanged)),
            "days_without_snapshot": dg.MetadataValue.int(len(gaps)),
            "api_pages": dg.MetadataValue.int(pages),
            "raw_path": dg.MetadataValue.path(str(store.directory)),
        }
    )


@dg.asset(key=GENAI_PRICES_KEY, group_name="raw", kinds={"python", "parquet"})
def genai_prices(storage: StorageResource) -> dg.MaterializeResult:
    """Providers' list prices with the dates they changed, from the `genai-prices` package.

    Grain: one row per provider x model x price tier x dated price per load, stamped with
    `snapshot_date` (the load day), `fetched_at` and `source_uri` (`genai-prices==<version>`).
    Source: the installed PyPI package `genai-prices` (MIT, offline; version pinned in
    pyproject.toml and stored in `package_version`). Meaning: a price history that reaches back
    before the first OpenRouter snapshot; `start_date` is when a price started (null: the
    package does not say). Append-only; an identical reload is not stored again.
    """
    version = package_version()
    frame = load_prices()
    store = storage.raw_store(GENAI_PRICES_KEY.path[-1])
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
