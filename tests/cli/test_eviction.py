"""An operator can move a stored day out of the append-only raw layer (issue 11): kept whole in
the quarantine with the reason, listed, refused by the gate if the source sends the same rows
again, and put back by `--admit`. Also: a crash between copy and removal loses nothing."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from cli.main import main
from ingestion.quality.gate import admit_or_quarantine
from ingestion.quality.quarantine import (
    EVICTED,
    QUARANTINED,
    READMITTED,
    REASON_FILE,
    Quarantine,
    file_hash,
)
from ingestion.quality.results import Verdict
from ingestion.raw_store import RawStore

pytestmark = pytest.mark.reliability

DATASET = "hub_model_snapshots"
DAY = dt.date(2026, 7, 4)
FETCHED = [dt.datetime(2026, 7, 5, hour, tzinfo=dt.UTC) for hour in (1, 2)]
EVICTED_AT = dt.datetime(2026, 7, 9, 12, tzinfo=dt.UTC)
WHY = "downloadsAllTime at the int64 maximum overflows mart_adoption"


def frame(downloads: int) -> pl.DataFrame:
    return pl.DataFrame({"id": ["a/x", "b/y"], "downloadsAllTime": [downloads, 7]})


@pytest.fixture
def stored(tmp_path) -> tuple[RawStore, Quarantine, dict]:
    """Two fetches of the day in the raw layer (the newest is what dbt reads), and the day
    after, which must not be touched; the bytes of each file."""
    store = RawStore(tmp_path / "raw", DATASET)
    for at, downloads in zip(FETCHED, (5, 6), strict=True):
        store.write(DAY, frame(downloads), source_uri=f"{DAY}.parquet", fetched_at=at)
    store.write(DAY + dt.timedelta(days=1), frame(9), source_uri="next", fetched_at=FETCHED[0])
    hashes = {path.name: file_hash(path) for path in store.fetches(DAY)}
    return store, Quarantine(tmp_path / "quarantine", DATASET), hashes


def test_evicting_moves_every_fetch_of_the_day_into_the_quarantine_with_the_reason(stored):
    store, quarantine, hashes = stored

    entry = quarantine.evict(store, DAY, reason=WHY, evicted_at=EVICTED_AT)

    assert store.fetches(DAY) == [] and DAY not in store.days()
    assert store.days() == [DAY + dt.timedelta(days=1)]
    assert {path.name: file_hash(path) for path in entry.kept_files} == hashes
    reason = json.loads((entry.directory / REASON_FILE).read_text())
    assert reason[EVICTED]["reason"] == WHY
    assert reason[EVICTED]["evicted_at"] == EVICTED_AT.isoformat()
    assert reason[EVICTED]["fetches"] == sorted(hashes)
    assert "by an operator" in reason["reason"] and WHY in reason["reason"]
    assert entry.status(store.root) == QUARANTINED
    assert quarantine.entries() == [entry]


def test_the_same_rows_sent_again_are_refused_and_the_day_stays_a_gap(stored):
    store, quarantine, _ = stored
    entry = quarantine.evict(store, DAY, reason=WHY, evicted_at=EVICTED_AT)
    passed = Verdict("hub", DAY, "recordings/2026-07-04.parquet", rows=2)

    outcome = admit_or_quarantine(
        passed, frame(6), store=store, quarantine=quarantine, fetched_at=EVICTED_AT
    )

    assert outcome.stored is None and outcome.quarantined == entry
    assert not outcome.verdict.accepted and EVICTED in outcome.verdict.reason()
    assert store.fetches(DAY) == [] and quarantine.entries() == [entry]
    # Different rows for the day (a fixed file) pass as usual.
    fixed = admit_or_quarantine(
        passed, frame(8), store=store, quarantine=quarantine, fetched_at=EVICTED_AT
    )
    assert fixed.stored is not None and fixed.stored.written


def test_admitting_an_evicted_day_puts_its_fetches_back(stored):
    store, quarantine, hashes = stored
    quarantine.evict(store, DAY, reason=WHY, evicted_at=EVICTED_AT)

    entry = quarantine.admit(DAY, note="fixed in dbt", admitted_at=EVICTED_AT, raw_root=store.root)

    assert {path.name: file_hash(path) for path in store.fetches(DAY)} == hashes
    assert entry.status(store.root) == READMITTED
    passed = Verdict("hub", DAY, "recordings/2026-07-04.parquet", rows=2)
    outcome = admit_or_quarantine(
        passed, frame(6), store=store, quarantine=quarantine, fetched_at=EVICTED_AT
    )
    assert outcome.stored is not None and not outcome.stored.written  # already there


def test_a_crash_after_the_copy_loses_nothing_and_evicting_again_finishes(stored, monkeypatch):
    store, quarantine, hashes = stored

    def crash(self, *args, **kwargs):
        raise OSError("power cut")

    with monkeypatch.context() as patch:
        patch.setattr(type(store.fetches(DAY)[0]), "unlink", crash)
        with pytest.raises(OSError):
            quarantine.evict(store, DAY, reason=WHY, evicted_at=EVICTED_AT)
    assert {path.name: file_hash(path) for path in store.fetches(DAY)} == hashes
    (entry,) = quarantine.entries(DAY)

    again = quarantine.evict(store, DAY, reason=WHY, evicted_at=EVICTED_AT)

    assert again == entry and store.fetches(DAY) == []
    assert {path.name: file_hash(path) for path in entry.kept_files} == hashes


def test_nothing_stored_is_an_error_naming_the_day(stored):
    store, quarantine, _ = stored

    with pytest.raises(LookupError, match="2026-07-01"):
        quarantine.evict(store, dt.date(2026, 7, 1), reason=WHY, evicted_at=EVICTED_AT)


def test_the_cli_evicts_lists_and_admits(stored, monkeypatch, capsys):
    store, _, hashes = stored
    data_dir = store.root.parent
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.setenv("SOURCE_MODE", "recorded")
    monkeypatch.delenv("RECORDINGS_DIR", raising=False)
    day = DAY.isoformat()

    assert main(["quarantine", "--evict", day, "--dataset", DATASET]) == 2  # no --reason
    assert main(["quarantine", "--evict", day, "--dataset", DATASET, "--reason", WHY]) == 0
    assert main(["quarantine"]) == 0
    assert main(["quarantine", "--admit", day, "--dataset", DATASET, "--note", "ok"]) == 0

    out = capsys.readouterr().out
    assert "needs --reason" in out
    assert f"{DATASET} {day} quarantined (evicted at" in out and WHY in out
    assert {path.name: file_hash(path) for path in store.fetches(DAY)} == hashes


def test_after_a_failed_run_the_stored_day_beyond_a_limit_is_named_with_the_command(stored):
    from ingestion.quality.limits import INT64_MAX
    from orchestration.lib.diagnose import failure_hint, stored_days_beyond_limits

    store, _, _ = stored
    later = DAY + dt.timedelta(days=3)
    store.write(later, frame(INT64_MAX), source_uri="bad", fetched_at=FETCHED[0])

    (problem,) = stored_days_beyond_limits(store.root, today=later)
    *named, hint = failure_hint([problem])

    assert (problem.dataset, problem.day, problem.result.field) == (
        DATASET,
        later,
        "downloadsAllTime",
    )
    assert str(store.fetches(later)[-1]) in named[0] and f"a/x={INT64_MAX}" in named[0]
    assert f"observatory quarantine --evict {later} --dataset {DATASET}" in hint
    assert "docs/quality.md" in failure_hint([])[-1]
