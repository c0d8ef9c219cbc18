"""The raw Hub asset validates each day before storing it: bad days go to the quarantine as
they came, good days of the same run are stored, and the checks explain it in their metadata.
Materialized with plain days of the demo data, filed under July 2026 dates (a file's day is its
name), the real recordings for the Hub's own corrections, and the fake Hub server for live mode."""

from __future__ import annotations

import datetime as dt
import functools
import shutil
import tempfile
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from cli.main import main
from ingestion.quality.quarantine import Quarantine
from orchestration.defs.hub.assets import (
    HUB_ORGS_IN_REGISTRY_CHECK,
    HUB_SNAPSHOT_EXPECTATIONS_CHECK,
    hub_model_snapshots,
)
from orchestration.defs.hub.resources import HubSourceResource
from orchestration.lib.partitions import RANGE_END_TAG, RANGE_START_TAG
from orchestration.lib.resources import StorageResource
from simulation.rehearsal.base import Fault
from tests.data import REAL_HUB_DAILY, requires_real_data
from tests.helpers import correction_days
from tests.plugins.demo import DEMO_DIR, clean_demo_days

DATASET = "hub_model_snapshots"
GOOD_DAYS = ("2026-07-01", "2026-07-02", "2026-07-03")
JULY = ("2026-07-01", "2026-07-02", "2026-07-03", "2026-07-04", "2026-07-05", "2026-07-06")


@functools.cache
def daily() -> Path:
    """Six plain consecutive demo days, named 2026-07-01 to 07-06."""
    folder = Path(tempfile.mkdtemp(prefix="observatory-july-"))
    for day, path in zip(JULY, clean_demo_days(len(JULY)), strict=True):
        shutil.copy(path, folder / f"{day}.parquet")
    return folder


@pytest.fixture
def folder(tmp_path) -> Path:
    snapshots = tmp_path / "snapshots"
    snapshots.mkdir()
    for day in GOOD_DAYS:
        shutil.copy(daily() / f"{day}.parquet", snapshots / f"{day}.parquet")
    return snapshots


def materialize(data_dir: Path, resource: HubSourceResource, start: str, end: str):
    return dg.materialize(
        [hub_model_snapshots],
        resources={"hub": resource, "storage": StorageResource(data_dir=str(data_dir))},
        tags={RANGE_START_TAG: start, RANGE_END_TAG: end},
        raise_on_error=False,
    )


def recorded(folder: Path) -> HubSourceResource:
    return HubSourceResource(snapshot_dir=str(folder), catalog_dir=str(folder))


def checks(result) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def stored_days(data_dir: Path) -> list[str]:
    raw = data_dir / "raw" / DATASET
    return sorted(p.name.split("=")[1] for p in raw.glob("snapshot_date=*"))


def raw_files(data_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (data_dir / "raw").rglob("*.parquet")}


def test_bad_days_are_quarantined_as_they_came_and_good_days_of_the_run_are_stored(
    tmp_path, folder
):
    data_dir = tmp_path / "data"
    assert materialize(data_dir, recorded(folder), "2026-07-01", "2026-07-03").success
    before = raw_files(data_dir)
    july_4 = folder / "2026-07-04.parquet"
    july_4.write_bytes((daily() / "2026-07-04.parquet").read_bytes()[:3000])  # truncated
    july_5 = pl.read_parquet(daily() / "2026-07-05.parquet")
    pl.concat([july_5, july_5.head(4)]).write_parquet(folder / "2026-07-05.parquet")
    shutil.copy(daily() / "2026-07-06.parquet", folder / "2026-07-06.parquet")

    result = materialize(data_dir, recorded(folder), "2026-07-01", "2026-07-06")

    assert result.success
    assert stored_days(data_dir) == [*GOOD_DAYS, "2026-07-06"]
    assert {k: v for k, v in raw_files(data_dir).items() if k in before} == before
    entries = Quarantine(data_dir / "quarantine", DATASET).entries()
    assert [str(e.day) for e in entries] == ["2026-07-04", "2026-07-05"]
    assert (entries[0].directory / july_4.name).read_bytes() == july_4.read_bytes()
    assert "not a readable Parquet file" in entries[0].reason["reason"]
    assert "id_unique (field 'id')" in entries[1].reason["reason"]

    check = checks(result)[HUB_SNAPSHOT_EXPECTATIONS_CHECK]
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.WARN
    metadata = {k: v.value for k, v in check.metadata.items()}
    assert metadata["days_quarantined"] == 2
    assert metadata["days_accepted"] == 4
    assert metadata["quarantined_days"] == "2026-07-04, 2026-07-05"
    table = metadata["failed_expectations"]
    assert "| 2026-07-05 | id_unique | id | 8 |" in table
    assert july_5["id"].head(1).item() in table
    assert "readable_and_conformant" in table


def test_a_run_whose_only_day_is_quarantined_fails_with_an_error_check(tmp_path, folder):
    data_dir = tmp_path / "data"
    assert materialize(data_dir, recorded(folder), "2026-07-01", "2026-07-03").success
    stale = pl.read_parquet(daily() / "2026-07-04.parquet")
    stale.with_columns(pl.col("downloadsAllTime") // 2).write_parquet(folder / "2026-07-04.parquet")

    result = materialize(data_dir, recorded(folder), "2026-07-04", "2026-07-04")

    assert not result.success
    check = checks(result)[HUB_SNAPSHOT_EXPECTATIONS_CHECK]
    assert check.severity == dg.AssetCheckSeverity.ERROR
    assert "counters_went_down_at_once" in check.metadata["failed_expectations"].value
    # The refused day's rows are not counted as corrections of accepted data.
    assert check.metadata["counter_corrections"].value == 0
    assert stored_days(data_dir) == list(GOOD_DAYS)


@pytest.mark.parametrize(
    "source",
    [DEMO_DIR / "hub" / "daily", pytest.param(REAL_HUB_DAILY, marks=requires_real_data)],
    ids=["demo", "real"],
)
def test_the_hubs_own_corrections_pass_and_are_counted_in_the_metadata(tmp_path, source):
    day, down = correction_days(source)[0]
    previous = max(p.stem for p in source.glob("*.parquet") if p.stem < day)
    folder = tmp_path / "snapshots"
    folder.mkdir()
    for name in (previous, day):
        shutil.copy(source / f"{name}.parquet", folder / f"{name}.parquet")

    result = materialize(tmp_path / "data", recorded(folder), previous, day)

    assert result.success
    check = checks(result)[HUB_SNAPSHOT_EXPECTATIONS_CHECK]
    assert check.passed
    assert check.metadata["counter_corrections"].value == len(down) > 0
    assert down[0] in check.metadata["warnings"].value


def test_a_fixed_file_is_accepted_and_an_admitted_one_is_stored(tmp_path, folder):
    data_dir = tmp_path / "data"
    july_4 = folder / "2026-07-04.parquet"
    real = pl.read_parquet(daily() / "2026-07-04.parquet")
    real.clear().write_parquet(july_4)  # an empty snapshot
    assert materialize(data_dir, recorded(folder), "2026-07-01", "2026-07-04").success
    assert "2026-07-04" not in stored_days(data_dir)

    shutil.copy(daily() / "2026-07-04.parquet", july_4)  # the fixed file
    assert materialize(data_dir, recorded(folder), "2026-07-04", "2026-07-04").success
    assert "2026-07-04" in stored_days(data_dir)

    # An operator trusts a snapshot the rules refuse: 30 % of the models gone on 07-05.
    july_5 = pl.read_parquet(daily() / "2026-07-05.parquet")
    july_5.sample(fraction=0.7, seed=1).write_parquet(folder / "2026-07-05.parquet")
    refused = materialize(data_dir, recorded(folder), "2026-07-05", "2026-07-05")
    assert not refused.success
    Quarantine(data_dir / "quarantine", DATASET).admit(
        dt.date(2026, 7, 5), note="orgs removed models", admitted_at=dt.datetime.now(dt.UTC)
    )
    admitted = materialize(data_dir, recorded(folder), "2026-07-05", "2026-07-05")
    assert admitted.success
    assert "2026-07-05" in stored_days(data_dir)
    metadata = checks(admitted)[HUB_SNAPSHOT_EXPECTATIONS_CHECK].metadata
    assert metadata["days_admitted_by_operator"].value == "2026-07-05"


def test_orgs_not_in_the_registry_are_stored_and_listed_in_a_warning(tmp_path, folder):
    july_1 = pl.read_parquet(folder / "2026-07-01.parquet")
    newcomer = july_1.head(1).with_columns(
        pl.lit("newlab").alias("author"), pl.lit("newlab/Model-7B").alias("id")
    )
    pl.concat([july_1, newcomer]).write_parquet(folder / "2026-07-01.parquet")

    result = materialize(tmp_path / "data", recorded(folder), "2026-07-01", "2026-07-01")

    assert result.success
    check = checks(result)[HUB_ORGS_IN_REGISTRY_CHECK]
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.WARN
    assert check.metadata["sample_ids"].value == "newlab/Model-7B"
    assert "newlab" in check.metadata["findings"].value
    assert checks(result)[HUB_SNAPSHOT_EXPECTATIONS_CHECK].passed


@pytest.mark.parametrize(
    "fault",
    [
        Fault(200, b"<html><body><h1>502 Bad Gateway</h1></body></html>", content_type="text/html"),
        Fault(200, b'[{"id": "moonshotai/Kimi-K2-Instr'),  # cut mid-body
    ],
    ids=["html page", "truncated json"],
)
def test_a_bad_live_answer_fails_the_run_and_keeps_its_reason(tmp_path, fake_hub, fault):
    registry = tmp_path / "registry.csv"
    registry.write_text("hub_org,developer_id\nmoonshotai,moonshot\n")
    live = HubSourceResource(
        mode="live",
        hub_source="api",
        snapshot_dir=str(tmp_path),
        catalog_dir=str(tmp_path),
        endpoint=fake_hub.url,
        registry_csv=str(registry),
    )
    fake_hub.fail_next(fault)
    today = dt.datetime.now(dt.UTC).date().isoformat()

    result = materialize(tmp_path / "data", live, today, today)

    assert not result.success
    (entry,) = Quarantine(tmp_path / "data" / "quarantine", DATASET).entries()
    assert entry.reason["source"] == "hub"
    assert "/api/models?author=moonshotai" in entry.reason["location"]
    assert "readable_and_conformant" in entry.reason["reason"]
    assert not list((tmp_path / "data" / "raw" / DATASET).glob("snapshot_date=*"))


def test_the_cli_lists_quarantined_snapshots_with_their_reasons(
    tmp_path, folder, monkeypatch, capsys
):
    data_dir = tmp_path / "data"
    (folder / "2026-07-04.parquet").write_bytes(b"<html>not parquet</html>")
    assert materialize(data_dir, recorded(folder), "2026-07-01", "2026-07-04").success
    monkeypatch.setenv("DATA_DIR", str(data_dir))

    assert main(["quarantine"]) == 0

    out = capsys.readouterr().out
    assert "hub_model_snapshots 2026-07-04 quarantined" in out
    assert "not a readable Parquet file" in out
    assert "2026-07-04.parquet" in out


BAD_JULY_4 = {
    "missing required column": (lambda f: f.drop("downloadsAllTime"), "'downloadsAllTime'"),
    "wrong type": (lambda f: f.with_columns(pl.lit("many").alias("likes")), "'likes'"),
    "empty snapshot": (lambda f: f.clear(), "not_empty"),
    "negative counts": (
        lambda f: f.with_columns(-pl.col("downloadsAllTime")),
        "downloadsAllTime_non_negative (field 'downloadsAllTime')",
    ),
    "duplicate ids": (lambda f: pl.concat([f, f.head(2)]), "id_unique (field 'id')"),
    "most counters down": (
        lambda f: f.with_columns(pl.col("downloadsAllTime") // 2),
        "counters_went_down_at_once (field 'downloadsAllTime')",
    ),
}


@pytest.mark.parametrize("case", list(BAD_JULY_4))
def test_each_bad_snapshot_is_kept_with_a_reason_naming_file_and_field(tmp_path, folder, case):
    doctor, named = BAD_JULY_4[case]
    data_dir = tmp_path / "data"
    assert materialize(data_dir, recorded(folder), "2026-07-01", "2026-07-03").success
    before = raw_files(data_dir)
    bad = folder / "2026-07-04.parquet"
    doctor(pl.read_parquet(daily() / "2026-07-04.parquet")).write_parquet(bad)

    result = materialize(data_dir, recorded(folder), "2026-07-01", "2026-07-04")

    assert not checks(result)[HUB_SNAPSHOT_EXPECTATIONS_CHECK].passed
    assert raw_files(data_dir) == before
    (entry,) = Quarantine(data_dir / "quarantine", DATASET).entries()
    assert entry.reason["reason"].startswith(f"hub: {bad}: ")
    assert named in entry.reason["reason"]
    assert (entry.directory / bad.name).read_bytes() == bad.read_bytes()
