"""The instance's dagster.yaml (`orchestration.lib.instance`): Dagster reads the run monitoring
and the one-run limit from it, an earlier or moved home is brought up to date, an edited one is
not."""

from __future__ import annotations

import shutil

import dagster as dg

from orchestration.lib.instance import (
    EARLIER_YAMLS,
    dagster_yaml,
    ensure_dagster_home,
    persistent_instance,
)


def test_dagster_reads_run_monitoring_from_the_home_it_writes(tmp_path):
    instance = persistent_instance(tmp_path / "dagster")
    try:
        assert instance.run_monitoring_enabled
        assert instance.run_monitoring_start_timeout_seconds == 180
        assert instance.run_monitoring_max_runtime_seconds == 6 * 3600
        assert isinstance(instance.run_coordinator, dg.QueuedRunCoordinator)
    finally:
        instance.dispose()


def test_an_earlier_home_is_brought_up_to_date_and_an_edited_one_is_left_alone(tmp_path):
    for number, earlier in enumerate(EARLIER_YAMLS):
        home = tmp_path / f"earlier-{number}"
        home.mkdir()
        (home / "dagster.yaml").write_text(earlier)
        assert (ensure_dagster_home(home) / "dagster.yaml").read_text() == dagster_yaml(home)
    edited = tmp_path / "edited"
    edited.mkdir()
    (edited / "dagster.yaml").write_text("telemetry:\n  enabled: true\n")
    assert (ensure_dagster_home(edited) / "dagster.yaml").read_text() == (
        "telemetry:\n  enabled: true\n"
    )


def test_a_moved_home_records_its_events_in_its_own_folder(tmp_path):
    before = ensure_dagster_home(tmp_path / "before")
    after = tmp_path / "after"
    shutil.move(before, after)
    assert str(before) in (after / "dagster.yaml").read_text()

    instance = persistent_instance(after)
    try:
        assert instance.event_log_storage.path_for_shard("index").startswith(str(after))
    finally:
        instance.dispose()
    assert (after / "dagster.yaml").read_text() == dagster_yaml(after)
    assert not before.exists()
