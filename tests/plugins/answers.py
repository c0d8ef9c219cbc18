"""OpenRouter answers the parser and server tests read: the demo's, and the real one."""

from __future__ import annotations

import pytest

from tests.data import SHARED_DATA, read_answer, requires_real_data
from tests.plugins.demo import DEMO_DIR, demo_summary


@pytest.fixture(
    scope="session",
    params=[
        # The demo's last day with its `:batch` variant listed.
        lambda: (
            DEMO_DIR
            / "openrouter"
            / "daily"
            / f"{demo_summary().batch_days[1].isoformat()}.json.gz"
        ),
        pytest.param(
            lambda: sorted((SHARED_DATA / "openrouter").glob("models_*.json"))[-1],
            marks=requires_real_data,
        ),
    ],
    ids=["demo", "real"],
)
def price_models(request) -> list[dict]:
    """The models of one OpenRouter answer: one of the demo's, and the real
    `output_modalities=all` answer of the recordings (skipped where they are absent)."""
    return read_answer(request.param())["data"]


@pytest.fixture(scope="session")
def openrouter_models(demo) -> list[dict]:
    """The models of the demo's newest OpenRouter answer."""
    newest = sorted((DEMO_DIR / "openrouter" / "daily").glob("*.json*"))[-1]
    return read_answer(newest)["data"]
