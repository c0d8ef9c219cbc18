from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from ingestion.quality.quarantine import (
    ADMITTED_FILE,
    FRAME_FILE,
    REASON_FILE,
    Quarantine,
    all_entries,
    file_hash,
)
from ingestion.quality.results import RuleResult, Verdict

DAY = dt.date(2026, 7, 4)
T1 = dt.datetime(2026, 7, 5, 0, 30, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 7, 6, 0, 30, tzinfo=dt.UTC)


def refused(location: str) -> Verdict:
    failure = RuleResult("id_unique", False, True, "id", 2, 10, ("a/b",), "")
    return Verdict("hub", DAY, location, rows=10, results=(failure,))


def test_a_refused_file_is_kept_byte_for_byte_with_its_reason(tmp_path):
    original = tmp_path / "2026-07-04.parquet"
    original.write_bytes(b"PAR1 not really parquet")
    quarantine = Quarantine(tmp_path / "quarantine", "hub_model_snapshots")

    entry, stored = quarantine.put(
        refused(str(original)), file_hash(original), received_at=T1, original=original
    )

    assert stored
    assert (entry.directory / original.name).read_bytes() == original.read_bytes()
    reason = json.loads((entry.directory / REASON_FILE).read_text())
    assert reason["snapshot_date"] == "2026-07-04"
    assert reason["accepted"] is False
    assert "id_unique (field 'id')" in reason["reason"]
    assert reason["results"][0]["sample_ids"] == ["a/b"]
    assert entry.directory.parent.name == "snapshot_date=2026-07-04"
    assert original.exists()  # the source folder is never touched


def test_the_same_content_refused_twice_is_kept_once(tmp_path):
    quarantine = Quarantine(tmp_path, "hub_model_snapshots")
    frame = pl.DataFrame({"id": ["a/b"]})

    first, stored_first = quarantine.put(refused("u"), "abc", received_at=T1, frame=frame)
    second, stored_second = quarantine.put(refused("u"), "abc", received_at=T2, frame=frame)

    assert stored_first and not stored_second
    assert first.directory == second.directory
    assert pl.read_parquet(first.directory / FRAME_FILE).equals(frame)
    assert len(quarantine.entries(DAY)) == 1


def test_a_live_failure_without_a_body_keeps_the_reason(tmp_path):
    quarantine = Quarantine(tmp_path, "hub_model_snapshots")

    entry, _ = quarantine.put(refused("http://hub/api/models?author=Qwen"), "f00", received_at=T1)

    assert entry.kept_files == []
    assert entry.reason["kept"].startswith("nothing")
    assert entry.reason["location"] == "http://hub/api/models?author=Qwen"


def test_admitting_marks_the_newest_entry_of_the_day(tmp_path):
    quarantine = Quarantine(tmp_path, "hub_model_snapshots")
    quarantine.put(refused("u"), "old", received_at=T1)
    quarantine.put(refused("u"), "new", received_at=T2)

    entry = quarantine.admit(DAY, note="checked by hand", admitted_at=T2)

    assert entry.content_hash == "new"
    assert (entry.directory / ADMITTED_FILE).exists()
    assert quarantine.is_admitted(DAY, "new")
    assert not quarantine.is_admitted(DAY, "old")
    with pytest.raises(LookupError):
        quarantine.admit(dt.date(2026, 7, 5), note="x", admitted_at=T2)


def test_all_entries_lists_every_dataset(tmp_path):
    Quarantine(tmp_path, "hub_model_snapshots").put(refused("u"), "a1", received_at=T1)
    Quarantine(tmp_path, "openrouter_prices").put(refused("v"), "b2", received_at=T1)

    entries = all_entries(tmp_path)

    assert [e.dataset for e in entries] == ["hub_model_snapshots", "openrouter_prices"]
    assert all_entries(tmp_path / "missing") == []
