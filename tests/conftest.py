"""Shared fixtures. The only fakes are network servers on 127.0.0.1."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.hub_server import FakeHub, api_models_from_parquet

ROOT = Path(__file__).resolve().parents[1]
RECORDED = ROOT / "recorded"
CATALOG_FILE = RECORDED / "hub" / "catalog" / "2026-05-21.parquet"

_FAKE_HUB: FakeHub | None = None


def pytest_configure(config: pytest.Config) -> None:
    # huggingface_hub reads HF_ENDPOINT and HF_HOME at import and asks the endpoint for
    # /api/agent-harnesses: start the fake Hub before any test module imports the client.
    global _FAKE_HUB
    _FAKE_HUB = FakeHub(api_models_from_parquet(CATALOG_FILE)).start()
    os.environ["HF_ENDPOINT"] = _FAKE_HUB.url
    os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="observatory-hf-home-")
    os.environ.pop("HF_TOKEN", None)
    # Great Expectations phones home unless told not to (the context also disables it).
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    os.environ.pop("HF_HUB_OFFLINE", None)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _FAKE_HUB is not None:
        _FAKE_HUB.stop()


@pytest.fixture
def fake_hub() -> Iterator[FakeHub]:
    assert _FAKE_HUB is not None
    _FAKE_HUB.reset()
    yield _FAKE_HUB
    _FAKE_HUB.reset()
