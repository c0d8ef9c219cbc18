"""Local servers that answer like the Hub and OpenRouter (`simulation.rehearsal`): the only
fakes in the tests.

huggingface_hub reads HF_ENDPOINT and HF_HOME when it is imported and first asks the endpoint
for /api/agent-harnesses, so the fake Hub starts in `pytest_configure` (after the demo it serves,
before any test module imports the client) and the environment points at it from then on.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import polars as pl
import pytest

from simulation.rehearsal.hub import HubServer, api_models
from simulation.rehearsal.openrouter import OpenRouterServer
from tests.plugins.demo import demo_catalog_file

_FAKE_HUB: HubServer | None = None


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    global _FAKE_HUB
    _FAKE_HUB = HubServer(api_models(pl.read_parquet(demo_catalog_file())), page_size=50).start()
    os.environ["HF_ENDPOINT"] = _FAKE_HUB.url
    os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="observatory-hf-home-")


def pytest_unconfigure(config: pytest.Config) -> None:
    if _FAKE_HUB is not None:
        _FAKE_HUB.stop()


@pytest.fixture
def fake_hub() -> Iterator[HubServer]:
    assert _FAKE_HUB is not None
    _FAKE_HUB.reset()
    page_size = _FAKE_HUB.page_size
    yield _FAKE_HUB
    _FAKE_HUB.reset()
    _FAKE_HUB.page_size = page_size


@pytest.fixture
def fake_openrouter(openrouter_models) -> Iterator[OpenRouterServer]:
    server = OpenRouterServer(openrouter_models).start()
    yield server
    server.stop()
