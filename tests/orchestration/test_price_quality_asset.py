"""The raw OpenRouter asset validates each day before storing it: unreadable, unparsable or
collapsed days go to the quarantine as they came, good days of the same run are stored, and
the blocking check explains it. Materialized on the demo's newest answer, filed as 2026-08-19."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from pathlib import Path

import dagster as dg
import pytest

from cli.main import main
from ingestion.quality.quarantine import Quarantine
from orchestration.defs.prices.assets import PRICE_SNAPSHOT_EXPECTATIONS_CHECK, openrouter_models
from orchestration.defs.prices.resources import OpenRouterSourceResource
from orchestration.lib.partitions import RANGE_END_TAG, RANGE_START_TAG
from orchestration.lib.resources import StorageResource
from simulation.rehearsal.base import Fault

DATASET = "openrouter_models"
GOOD_DAY = "2026-08-19"


@pytest.fixture
def folder(tmp_path, openrouter_models) -> Path:
    answers = tmp_path / "answers"
    answers.mkdir()
    write_answer(answers / f"{GOOD_DAY}.json", openrouter_models)
    return answers


def materialize(
    data_dir: Path,
    folder: Path,
    start: str,
    end: str,
    resource: OpenRouterSourceResource | None = None,
):
    return dg.materialize(
        [openrouter_models],
        resources={
            "openrouter": resource or OpenRouterSourceResource(snapshot_dir=str(folder)),
            "storage": StorageResource(data_dir=str(data_dir)),
        },
        tags={RANGE_START_TAG: start, RANGE_END_TAG: end},
        raise_on_error=False,
    )


def check(result) -> dg.AssetCheckEvaluation:
    (evaluation,) = [
        e
        for e in result.get_asset_check_evaluations()
        if e.check_name == PRICE_SNAPSHOT_EXPECTATIONS_CHECK
    ]
    return evaluation


def stored_days(data_dir: Path) -> list[str]:
    raw = data_dir / "raw" / DATASET
    return sorted(p.name.split("=")[1] for p in raw.glob("snapshot_date=*"))


def raw_files(data_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (data_dir / "raw").rglob("*.parquet")}


def write_answer(path: Path, models: list[dict]) -> None:
    path.write_text(json.dumps({"data": models}))


def test_bad_days_are_quarantined_with_reasons_and_good_days_are_stored(
    tmp_path, folder, openrouter_models
):
    data_dir = tmp_path / "data"
    assert materialize(data_dir, folder, GOOD_DAY, GOOD_DAY).success
    before = raw_files(data_dir)
    assert stored_days(data_dir) == [GOOD_DAY]

    real = (folder / f"{GOOD_DAY}.json").read_text()
    (folder / "2026-08-20.json").write_text(real[: len(real) // 2])  # truncated
    (folder / "2026-08-21.json").write_text("<html><body>502 Bad Gateway</body></html>")
    abc = copy.deepcopy(openrouter_models)
    abc[4]["pricing"]["prompt"] = "abc"
    write_answer(folder / "2026-08-22.json", abc)
    shutil.copy(folder / f"{GOOD_DAY}.json", folder / "2026-08-23.json")
    write_answer(folder / "2026-08-24.json", openrouter_models[: len(openrouter_models) // 10])

    result = materialize(data_dir, folder, GOOD_DAY, "2026-08-24")

    assert result.success  # some days stored: WARN, downstream runs on them
    assert stored_days(data_dir) == [GOOD_DAY, "2026-08-23"]
    assert {k: v for k, v in raw_files(data_dir).items() if k in before} == before
    entries = Quarantine(data_dir / "quarantine", DATASET).entries()
    assert [str(e.day) for e in entries] == ["2026-08-20", "2026-08-21", "2026-08-22", "2026-08-24"]
    for entry in entries:
        original = folder / f"{entry.day}.json"
        assert entry.reason["reason"].startswith(f"openrouter: {original}: ")
        assert (entry.directory / original.name).read_bytes() == original.read_bytes()
    truncated, html, unparsable, collapsed = (e.reason["reason"] for e in entries)
    assert "readable_and_conformant" in truncated and "not readable JSON" in truncated
    assert "an HTML page" in html
    assert "(field 'data[4].pricing.prompt'): not a decimal price string: 'abc'" in unparsable
    assert "row_count_collapsed (field 'openrouter_id')" in collapsed

    evaluation = check(result)
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.WARN
    metadata = {k: v.value for k, v in evaluation.metadata.items()}
    assert metadata["days_validated"] == 6
    assert metadata["days_accepted"] == 2
    assert metadata["quarantined_days"] == "2026-08-20, 2026-08-21, 2026-08-22, 2026-08-24"
    table = metadata["failed_expectations"]
    collapsed_rows = len(openrouter_models) - len(openrouter_models) // 10
    assert f"| 2026-08-24 | row_count_collapsed | openrouter_id | {collapsed_rows} |" in table
    assert "| 2026-08-22 | readable_and_conformant | data[4].pricing.prompt |" in table
    # The -1 sentinels of the stored days are warnings with counts and sample ids.
    assert "price_unknown_sentinel" in metadata["warnings"]
    assert "openrouter/auto" in metadata["warnings"]


def test_a_run_whose_only_day_is_quarantined_fails_with_an_error_check(
    tmp_path, folder, openrouter_models
):
    data_dir = tmp_path / "data"
    assert materialize(data_dir, folder, GOOD_DAY, GOOD_DAY).success
    duplicated = openrouter_models + openrouter_models[:3]
    write_answer(folder / "2026-08-20.json", duplicated)

    result = materialize(data_dir, folder, "2026-08-20", "2026-08-20")

    assert not result.success
    evaluation = check(result)
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert "| 2026-08-20 | id_unique | openrouter_id | 6 |" in (
        evaluation.metadata["failed_expectations"].value
    )
    assert openrouter_models[0]["id"] in evaluation.metadata["failed_expectations"].value
    assert stored_days(data_dir) == [GOOD_DAY]


def test_the_cli_lists_price_quarantines(tmp_path, folder, monkeypatch, capsys):
    data_dir = tmp_path / "data"
    (folder / "2026-08-20.json").write_text("<html>not json</html>")
    assert materialize(data_dir, folder, GOOD_DAY, "2026-08-20").success
    monkeypatch.setenv("DATA_DIR", str(data_dir))

    assert main(["quarantine"]) == 0

    out = capsys.readouterr().out
    assert "openrouter_models 2026-08-20 quarantined" in out
    assert "an HTML page" in out
    assert "2026-08-20.json" in out


def test_the_price_check_is_declared_blocking_on_the_raw_asset():
    (spec,) = openrouter_models.check_specs
    assert spec.name == PRICE_SNAPSHOT_EXPECTATIONS_CHECK
    assert spec.asset_key == dg.AssetKey(["raw", DATASET])
    assert spec.blocking


def test_a_live_html_answer_fails_the_run_and_keeps_its_reason(tmp_path, fake_openrouter):
    live = OpenRouterSourceResource(
        mode="live", snapshot_dir=str(tmp_path), base_url=fake_openrouter.base_url
    )
    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    fake_openrouter.fail_next(Fault(200, page, content_type="text/html"))
    today = dt.datetime.now(dt.UTC).date().isoformat()

    result = materialize(tmp_path / "data", tmp_path, today, today, live)

    assert not result.success
    assert check(result).severity == dg.AssetCheckSeverity.ERROR
    (entry,) = Quarantine(tmp_path / "data" / "quarantine", DATASET).entries()
    assert entry.reason["source"] == "openrouter"
    assert entry.reason["location"].endswith("/models?output_modalities=all")
    assert "not JSON (text/html)" in entry.reason["reason"]
    assert entry.reason["kept"] == "nothing: no body was received"
    assert not list((tmp_path / "data" / "raw" / DATASET).glob("snapshot_date=*"))


def test_a_live_request_for_a_past_day_fails_the_step_without_a_quarantine(
    tmp_path, fake_openrouter
):
    live = OpenRouterSourceResource(
        mode="live", snapshot_dir=str(tmp_path), base_url=fake_openrouter.base_url
    )

    result = materialize(tmp_path / "data", tmp_path, "2026-08-19", "2026-08-19", live)

    assert not result.success
    assert "OpenRouter keeps no history" in str(
        result.get_step_failure_events()[0].event_specific_data
    )
    assert not (tmp_path / "data" / "quarantine").exists()
    assert fake_openrouter.requests == []
