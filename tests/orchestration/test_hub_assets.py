"""The raw Hub assets materialized through Dagster, live against the local fake Hub and
recorded from the demo data, each run twice to show a re-run stores nothing new."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import polars as pl

from orchestration.defs.hub.assets import hub_model_catalog, hub_model_snapshots
from orchestration.defs.hub.resources import HubSourceResource
from orchestration.lib.resources import StorageResource
from tests.plugins.demo import DEMO_DIR, demo_catalog_file


def resources(tmp_path, **hub) -> dict[str, object]:
    return {
        "storage": StorageResource(data_dir=str(tmp_path)),
        "hub": HubSourceResource(
            snapshot_dir=str(DEMO_DIR / "hub" / "daily"),
            catalog_dir=str(DEMO_DIR / "hub"),
            **hub,
        ),
    }


def materialization(result: dg.ExecuteInProcessResult) -> dict[str, object]:
    (event,) = result.asset_materializations_for_node(result.all_node_events[0].node_name)
    return {key: value.value for key, value in event.metadata.items()}


def test_live_snapshot_of_yesterday_lands_in_the_raw_layer_once(tmp_path, fake_hub):
    yesterday = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)).isoformat()
    live = resources(tmp_path, mode="live", endpoint=fake_hub.url, hub_source="api")

    first = dg.materialize([hub_model_snapshots], resources=live, partition_key=yesterday)
    second = dg.materialize([hub_model_snapshots], resources=live, partition_key=yesterday)

    files = list((tmp_path / "raw" / "hub_model_snapshots").glob(f"snapshot_date={yesterday}/*"))
    assert len(files) == 1
    stored = pl.read_parquet(files[0])
    assert {"Qwen", "deepseek-ai"} <= set(stored["author"])
    assert stored["source_uri"].unique().to_list() == [fake_hub.url]
    assert materialization(first)["days_stored"] == 1
    assert materialization(second)["days_unchanged"] == 1


def test_recorded_gap_day_is_reported_not_failed(tmp_path, demo):
    gap = demo.gap_days[0].isoformat()
    result = dg.materialize([hub_model_snapshots], resources=resources(tmp_path), partition_key=gap)

    metadata = materialization(result)
    assert metadata["days_without_snapshot"] == 1
    assert metadata["gap_days"] == gap


def test_catalog_export_is_stored_once(tmp_path):
    dg.materialize([hub_model_catalog], resources=resources(tmp_path))
    again = dg.materialize([hub_model_catalog], resources=resources(tmp_path))

    files = list((tmp_path / "raw" / "hub_model_catalog").glob("snapshot_date=*/*.parquet"))
    assert len(files) == 1
    assert pl.read_parquet(files[0]).height == pl.read_parquet(demo_catalog_file()).height
    assert materialization(again)["exports_stored"] == 0
