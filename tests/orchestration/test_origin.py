"""A DATA_DIR holds demo data or observations, never both: the first run stamps it, a run of
the other kind is refused with the folder named, and the stamp tells the summary what it shows."""

from __future__ import annotations

import pytest

from orchestration.lib import origin
from orchestration.lib.settings import Settings, SettingsError


def settings(tmp_path, **env: str) -> Settings:
    return Settings.from_env({"DATA_DIR": str(tmp_path / "data"), **env})


def test_the_first_run_stamps_the_data_dir_with_its_origin(tmp_path):
    assert origin.claim(settings(tmp_path)) == origin.DEMO

    assert origin.is_demo(tmp_path / "data")
    assert origin.claim(settings(tmp_path)) == origin.DEMO  # the same kind again is fine


def test_observed_data_is_refused_in_a_demo_data_dir_and_the_reverse(tmp_path):
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    origin.claim(settings(tmp_path))

    with pytest.raises(SettingsError, match="holds demo data") as error:
        origin.claim(settings(tmp_path, RECORDINGS_DIR=str(recordings)))
    assert str(tmp_path / "data") in str(error.value)

    other = tmp_path / "other"
    origin.claim(settings(other, RECORDINGS_DIR=str(recordings)))
    with pytest.raises(SettingsError, match="holds observed data"):
        origin.claim(settings(other))


def test_live_mode_is_observed_data(tmp_path):
    assert origin.claim(settings(tmp_path, SOURCE_MODE="live")) == origin.OBSERVED
    assert not origin.is_demo(tmp_path / "data")
