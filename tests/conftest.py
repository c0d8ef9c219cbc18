"""Shared fixtures. The only fakes are network servers on 127.0.0.1."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.hub_server import FakeHub, api_models_from_parquet
from tests.fakes.openrouter_server import FakeOpenRouter

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


@pytest.fixture(scope="session")
def pipeline_data_dir(tmp_path_factory) -> Iterator[Path]:
    """A DATA_DIR where the whole pipeline ran once on the bundled recordings, as `make run`
    runs it. Tests that run it again must leave the marts as they found them."""
    from orchestration.cli import main

    path = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATA_DIR", str(path))
        patch.setenv("SOURCE_MODE", "recorded")
        patch.delenv("HUB_SNAPSHOT_DIR", raising=False)
        patch.delenv("HUB_CATALOG_DIR", raising=False)
        patch.delenv("DAGSTER_HOME", raising=False)
        assert main(["run"]) == 0
        yield path


@pytest.fixture
def fake_hub() -> Iterator[FakeHub]:
    assert _FAKE_HUB is not None
    _FAKE_HUB.reset()
    yield _FAKE_HUB
    _FAKE_HUB.reset()


OPENROUTER_FILE = RECORDED / "openrouter" / "2026-08-19.json"


@pytest.fixture(scope="session")
def openrouter_models() -> list[dict]:
    return json.loads(OPENROUTER_FILE.read_text())["data"]


@pytest.fixture
def fake_openrouter(openrouter_models) -> Iterator[FakeOpenRouter]:
    server = FakeOpenRouter(openrouter_models).start()
    yield server
    server.stop()
