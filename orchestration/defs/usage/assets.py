"""OpenRouter's daily usage rankings as a daily raw asset (the usage marts' source)."""

import dagster as dg

from ingestion.usage.quality import rankings_suite, validate_rankings_snapshot
from ingestion.usage.schema import RANKINGS_SCHEMA
from orchestration.defs.quality.ingest import daily_raw_asset, ingest_partition, partition_result
from orchestration.defs.usage.resources import OpenRouterRankingsResource
from orchestration.lib.layout import Dataset
from orchestration.lib.resources import StorageResource

OPENROUTER_RANKINGS_KEY = dg.AssetKey(Dataset.OPENROUTER_RANKINGS.asset_path)
RANKINGS_EXPECTATIONS_CHECK = "rankings_expectations"


@daily_raw_asset(
    Dataset.OPENROUTER_RANKINGS,
    kinds={"openrouter", "parquet"},
    check_specs=[
        dg.AssetCheckSpec(
            RANKINGS_EXPECTATIONS_CHECK,
            asset=OPENROUTER_RANKINGS_KEY,
            # Not blocking: a refused day is quarantined and never reaches dbt, and usage data
            # must not hold back the Hub and price marts.
            blocking=False,
            description="Every day's rankings read and meet the rankings suite (GX: permaslugs "
            "present and unique, tokens exact non-negative integers; one `other` row, at most "
            "50 ranked rows, every row of the day asked for); failing days are quarantined.",
        ),
    ],
)
def openrouter_rankings(
    context: dg.AssetExecutionContext,
    openrouter_rankings: OpenRouterRankingsResource,
    storage: StorageResource,
) -> dg.MaterializeResult:
    """OpenRouter's usage rankings: the top 50 models of each UTC day by tokens, plus `other`.

    Grain: one row per ranked permaslug (and one `other` row) per day per fetch, stamped with
    `snapshot_date`, `fetched_at` and `source_uri`. Source: OpenRouter's documented Data API
    `GET {OPENROUTER_BASE_URL}/datasets/rankings-daily?start_date=D&end_date=D` (live, needs
    `OPENROUTER_API_KEY`) or a folder of its daily answers (`RANKINGS_SNAPSHOT_DIR`,
    `YYYY-MM-DD.json`). Meaning: prompt + completion tokens served per model, as decimal
    strings kept verbatim and parsed exactly, with the answer's `meta.as_of` (figures can be
    restated: a later different answer for a day is a new fetch, and the newest wins). Licence
    CC BY 4.0: wherever it is shown, cite "Source: OpenRouter (openrouter.ai/rankings), as of
    <as_of>" (the marts carry the line). A day is complete only once it has ended: live, today
    is a gap. Failing days go to `$DATA_DIR/quarantine/openrouter_rankings/`.
    """
    run, store, quarantine = ingest_partition(
        context,
        storage,
        dataset=Dataset.OPENROUTER_RANKINGS,
        schema=RANKINGS_SCHEMA,
        source=openrouter_rankings.source(),
        suite=rankings_suite,
        validate=lambda day, snapshot, previous, validator: validate_rankings_snapshot(
            day, snapshot.frame, location=snapshot.location, previous=previous, validator=validator
        ),
        compared_columns=["model_permaslug"],
    )
    return partition_result(run, store, quarantine, RANKINGS_EXPECTATIONS_CHECK)
