"""Price changes are first-class: `mart_price_changes` holds every change of a list price, and
agrees with a recomputation from the raw answers (every prompt or completion change of a
standard text model between consecutive recorded days), on the demo and the real recordings."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import duckdb
import pytest

from ingestion.quality.quarantine import Quarantine
from tests.data import read_answer
from tests.plugins.pipeline import PipelineCase

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def changes(pipeline: PipelineCase) -> set[tuple[str, str, dt.date, dt.date | None]]:
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as con:
        rows = con.execute(
            "select model_id, price_tier, change_date, previous_listed_date "
            "from marts.mart_price_changes"
        ).fetchall()
    return set(rows)


def standard_text_prices(path) -> dict[str, tuple[Decimal, Decimal]]:
    return {
        model["id"]: (Decimal(model["pricing"]["prompt"]), Decimal(model["pricing"]["completion"]))
        for model in read_answer(path)["data"]
        if ":" not in model["id"] and model["architecture"]["output_modalities"] == ["text"]
    }


def test_the_mart_and_the_raw_answers_agree_on_every_change_between_recorded_days(
    pipeline, changes
):
    paths = sorted(pipeline.price_daily.glob("*.json*"))
    if pipeline.run_args:
        start, end = pipeline.run_args[1], pipeline.run_args[3]
        paths = [p for p in paths if start <= p.name[:10] <= end]
    refused = {
        e.day.isoformat()
        for e in Quarantine(pipeline.data_dir / "quarantine", "openrouter_models").entries()
    }
    paths = [p for p in paths if p.name[:10] not in refused]
    prices = {dt.date.fromisoformat(p.name[:10]): standard_text_prices(p) for p in paths}
    expected, compared = set(), set()
    for previous, day in itertools.pairwise(sorted(prices)):
        old, new = prices[previous], prices[day]
        for model_id in old.keys() & new.keys():
            compared.add((model_id, day, previous))
            if old[model_id] != new[model_id]:
                expected.add((model_id, "standard", day, previous))
    # The mart's changes that the recomputation covers: standard-tier text models listed on two
    # consecutive recorded days.
    covered = {c for c in changes if (c[0], c[2], c[3]) in compared and c[1] == "standard"}

    assert expected, "the recordings have price changes"
    assert covered == expected


def test_the_demo_s_planted_price_changes_are_found(pipeline, changes, demo):
    if not pipeline.is_demo:
        pytest.skip("the planted changes are the demo's")
    found = {(model_id, day) for model_id, _, day, _ in changes}

    for change in demo.price_changes:
        assert (change.openrouter_id, change.day) in found, change
