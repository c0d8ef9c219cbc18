"""Raw Hub assets: thin adapters that fetch snapshots, validate them and append the good ones
to the raw layer (the bad ones to the quarantine)."""

import datetime as dt

import dagster as dg

from ingestion.hub.quality import hub_snapshot_suite, unattributed_orgs, validate_hub_snapshot
from ingestion.hub.schema import HUB_SNAPSHOT_SCHEMA
from orchestration.defs.hub.resources import HubSourceResource
from orchestration.defs.quality.checks import rule_check_result
from orchestration.defs.quality.ingest import daily_raw_asset, ingest_partition, partition_result
from orchestration.defs.quality.retries import RAW_RETRY_POLICY, final_on_bad_input
from orchestration.lib.layout import Dataset
from orchestration.lib.resources import StorageResource

HUB_SNAPSHOTS_KEY = dg.AssetKey(Dataset.HUB_SNAPSHOTS.asset_path)
HUB_CATALOG_KEY = dg.AssetKey(Dataset.HUB_CATALOG.asset_path)

HUB_SNAPSHOT_EXPECTATIONS_CHECK = "hub_snapshot_expectations"
HUB_ORGS_IN_REGISTRY_CHECK = "hub_snapshot_orgs_in_registry"
# What the next day's snapshot is compared with (see ingestion.hub.quality).
COMPARED_COLUMNS = ("id", "downloadsAllTime")


@daily_raw_asset(
    Dataset.HUB_SNAPSHOTS,
    kinds={"huggingface", "parquet"},
    check_specs=[
        dg.AssetCheckSpec(
            HUB_SNAPSHOT_EXPECTATIONS_CHECK,
            asset=HUB_SNAPSHOTS_KEY,
            blocking=True,
            description="Every day's snapshot meets the Hub suite (GX) and does not collapse "
            "against the previous accepted snapshot; failing days are quarantined.",
        ),
        dg.AssetCheckSpec(
            HUB_ORGS_IN_REGISTRY_CHECK,
            asset=HUB_SNAPSHOTS_KEY,
            description="Orgs of accepted snapshots that the developer registry does not know: "
            "their models count as `unattributed` in the marts.",
        ),
    ],
)
def hub_model_snapshots(
    context: dg.AssetExecutionContext, hub: HubSourceResource, storage: StorageResource
) -> dg.MaterializeResult:
    """Daily Hub snapshots of the tracked developer orgs, validated before they are stored.

    Grain: one row per model per fetch, in the hub-stats column layout, stamped with
    `snapshot_date`, `fetched_at` and `source_uri`. Source: the recorded snapshot folder
    (`HUB_SNAPSHOT_DIR`) or, live, `list_models(author=org)` for every org of the developer
    registry. Meaning: the Hub's counters at the end of each UTC day; `downloadsAllTime` is the
    lifetime counter that daily downloads are derived from. Append-only: a re-run of a day adds
    a fetch (unless identical to the newest) and never replaces an earlier one. Days without a
    snapshot are recorded as gaps; downstream spreads the counter increase over them.
    Each day is validated first (GX suite, comparison with the previous accepted day); a day
    that fails a blocking rule goes to `$DATA_DIR/quarantine/hub_model_snapshots/` as it came,
    with its reason, and stays out of the raw layer, so dbt sees a gap.
    """
    registry = set(hub.registry_orgs())
    run, store, quarantine = ingest_partition(
        context,
        storage,
        dataset=Dataset.HUB_SNAPSHOTS,
        schema=HUB_SNAPSHOT_SCHEMA,
        source=hub.source(),
        suite=hub_snapshot_suite,
        validate=lambda day, snapshot, previous, validator: validate_hub_snapshot(
            day,
            snapshot.frame,
            location=snapshot.location,
            report=snapshot.report,
            previous=previous,
            validator=validator,
        ),
        compared_columns=COMPARED_COLUMNS,
        keep=lambda snapshot: (
            snapshot.day.isoformat(),
            unattributed_orgs(snapshot.frame, registry),
            snapshot.report.extra_columns,
        ),
    )
    orgs = [(day, unknown) for day, unknown, _ in run.accepted]
    extra_columns = sorted({c for _, _, columns in run.accepted for c in columns})
    return partition_result(
        run,
        store,
        quarantine,
        HUB_SNAPSHOT_EXPECTATIONS_CHECK,
        metadata={
            "dropped_extra_columns": dg.MetadataValue.text(", ".join(extra_columns) or "none")
        },
        check_results=[rule_check_result(HUB_ORGS_IN_REGISTRY_CHECK, orgs)],
    )


@dg.asset(
    key=HUB_CATALOG_KEY,
    group_name="raw",
    kinds={"huggingface", "parquet"},
    retry_policy=RAW_RETRY_POLICY,
)
def hub_model_catalog(
    context: dg.AssetExecutionContext, hub: HubSourceResource, storage: StorageResource
) -> dg.MaterializeResult:
    """Whole-Hub catalog exports in the hub-stats layout (`HUB_CATALOG_DIR`).

    Grain: one row per model per export. Source: files named `hub_stats_YYYY-MM-DD.parquet` or
    `YYYY-MM-DD.parquet` (the real recordings hold the public hub-stats data as of 2026-05-21,
    community models included; the demo data a generated export).
    Meaning: the attributes the daily snapshots lack (creation time, parameter counts, card
    data) and the `baseModels` lineage of derivatives. Stored append-only like the snapshots.
    """
    with final_on_bad_input():
        catalog = hub.catalog()
        store = storage.raw_store(Dataset.HUB_CATALOG, HUB_SNAPSHOT_SCHEMA)
        fetched_at = dt.datetime.now(dt.UTC)
        stored, rows = 0, 0
        if not catalog.directory.is_dir():
            # Live mode needs no export (the Hub's own derivative counts come with the snapshots);
            # the lineage marts then rest on the exports already stored, if any.
            context.log.warning(f"no catalog folder at {catalog.directory}: no export stored")
            return dg.MaterializeResult(
                metadata={"rows": 0, "exports_stored": 0, "raw_path": str(store.directory)}
            )
        days, problems = catalog.scan()
        for problem in problems:
            # A misnamed file is never read (see ingestion.recorded): say so, store the rest.
            context.log.warning(f"skipped {problem}")
        for day in days:
            snapshot = catalog.fetch(day)
            if snapshot is None:
                continue
            result = store.write(
                day, snapshot.frame, source_uri=snapshot.location, fetched_at=fetched_at
            )
            stored += int(result.written)
            rows += result.rows
    return dg.MaterializeResult(
        metadata={
            "rows": dg.MetadataValue.int(rows),
            "exports_stored": dg.MetadataValue.int(stored),
            "raw_path": dg.MetadataValue.path(str(store.directory)),
        }
    )
