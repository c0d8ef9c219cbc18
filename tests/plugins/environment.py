"""The tests run in an environment of their own: a developer's settings never leak into them."""

from __future__ import annotations

import os

import pytest

# Recorded-mode folders and secrets a developer may have set for their own runs.
DEVELOPER_SETTINGS = (
    "RECORDINGS_DIR",
    "HUB_SNAPSHOT_DIR",
    "HUB_CATALOG_DIR",
    "PRICES_SNAPSHOT_DIR",
    "RANKINGS_SNAPSHOT_DIR",
    "OPENROUTER_API_KEY",
    "HF_TOKEN",
    "HF_HUB_OFFLINE",
)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    for name in DEVELOPER_SETTINGS:
        os.environ.pop(name, None)
    # Great Expectations phones home unless told not to (the context also disables it).
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
