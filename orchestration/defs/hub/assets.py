"""Raw Hub assets: thin adapters that fetch snapshots and append them to the raw layer."""

import datetime as dt

import dagster as dg

from orchestration.defs.hub.resources import HubSourceResource
from orchestration.lib.partitions import DAILY_PARTITIONS, days_in_window
from orchestration.lib.resources import StorageResource

HUB_SNAPSHOTS_KEY = dg.AssetKey(["raw", "hub_model_snapshots"])
HUB_CATALOG_KEY = dg.AssetKey(["raw", "hub_model_catalog"])


@dg.asset(
    key=HUB_SNAPSHOTS_KEY,
    partitions_def=DAILY_PARTITIONS,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="raw",
    kinds={"huggingface", "parquet"},
)
def hub_model_snapshots(
    context: dg.AssetExecutionContext, hub: HubSourceResource, storage: StorageResource
) -> dg.MaterializeResult:
    """Daily Hub snapshots of the tracked developer orgs.

    Grain: one row per model per fetch, in the hub-stats column layout, stamped with
    `snapshot_date`, `fetched_at` and `source_uri`. Source: the recorded snapshot folder
    (`HUB_SNAPSHOT_DIR`) or, live, `list_models(author=org)` for every org of the developer
    registry. Meaning: the Hub's counters at the end of each UTC day; `downloadsAllTime` is the
    lifetime counter that daily downloads are derived from. Append-only: a re-run of a day adds
    a fetch (unless identical to the newest) and never replaces an earlier one. Days without a
    snapshot are recorded as gaps; downstream spreads the counter increase over them.
    """
    source = hub.source()
    store = storage.raw_store(HUB_SNAPSHOTS_KEY.path[-1])
    fetched_at = dt.datetime.now(dt.UTC)
    written, unchanged, gaps, rows, pages = [], [], [], 0, 0
    extra_columns: set[str] = set()
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
        extra_columns.update(snapshot.report.extra_columns)
        context.log.info(
            f"{day}: {result.rows} models from {snapshot.location} "
            f"({'stored' if result.written else 'unchanged, not stored again'})"
        )
    return dg.MaterializeResult(
        metadata={
            "rows": dg.MetadataValue.int(rows),
            "days_stored": dg.MetadataValue.int(len(written)),
            "days_unchanged": dg.MetadataValue.int(len(unchanged)),
            "days_without_snapshot": dg.MetadataValue.int(len(gaps)),
            "gap_days": dg.MetadataValue.text(", ".join(gaps) or "none"),
            "api_pages": dg.MetadataValue.int(pages),
            "dropped_extra_columns": dg.MetadataValue.text(
                ", ".join(sorted(extra_columns)) or "none"
            ),
            "raw_path": dg.MetadataValue.path(str(store.directory)),
        }
    )


@dg.asset(key=HUB_CATALOG_KEY, group_name="raw", kinds={"huggingface", "parquet"})
def hub_model_catalog(hub: HubSourceResource, storage: StorageResource) -> dg.MaterializeResult:
    """Whole-Hub catalog exports in the hub-stats layout (`HUB_CATALOG_DIR`).

    Grain: one row per model per export. Source: files named `YYYY-MM-DD.parquet` (the bundled
    one is the public hub-stats data as of 2026-05-21: 4,167 models, community ones included).
    Meaning: the attributes the daily snapshots lack (creation time, parameter counts, card
    data) and the `baseModels` lineage of derivatives. Stored append-only like the snapshots.
    """
    folder = hub.catalog()
    store = storage.raw_store(HUB_CATALOG_KEY.path[-1])
    fetched_at = dt.datetime.now(dt.UTC)
    stored, rows = 0, 0
    for day in folder.available_days():
        snapshot = folder.read(day)
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
