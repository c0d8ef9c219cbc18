"""Every parser is total: whatever a source sends, the only exception out of it is InputError.

Hypothesis mutates real-shaped answers (built from the demo generator's output: an OpenRouter
`/models` answer, a rankings answer, a Hub API page made from a demo snapshot, a demo Hub
Parquet file) at every path: a value replaced by one of another type or nesting, a huge or
non-finite number, a key removed, a key added. The examples are derandomized and few, so the
test takes seconds and fails the same way on every machine.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingestion.errors import InputError
from ingestion.hub.live import models_frame as hub_page_frame
from ingestion.hub.recorded import read_snapshot_file
from ingestion.hub.schema import HUB_SNAPSHOT_SCHEMA
from ingestion.prices.parse import models_frame, next_link
from ingestion.prices.recorded import read_price_file
from ingestion.prices.schema import OPENROUTER_MODELS_SCHEMA
from ingestion.usage.parse import rankings_frame
from ingestion.usage.schema import RANKINGS_SCHEMA
from simulation.rehearsal.hub import api_models
from tests.data import read_answer
from tests.plugins.demo import DEMO_DIR

FEW = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
RECORDS = 4  # records kept per answer: every path of a record is a path of every record


def newest(folder: Path, pattern: str) -> Path:
    return sorted(folder.glob(pattern))[-1]


@pytest.fixture(scope="module")
def answers(demo) -> dict[str, Any]:
    prices = read_answer(newest(DEMO_DIR / "openrouter" / "daily", "*.json*"))
    rankings = read_answer(newest(DEMO_DIR / "openrouter" / "rankings_daily", "*.json*"))
    hub = pl.read_parquet(newest(DEMO_DIR / "hub" / "daily", "*.parquet")).head(RECORDS)
    return {
        "prices": {**prices, "data": prices["data"][:RECORDS], "links": {"next": None}},
        "rankings": {**rankings, "data": rankings["data"][:RECORDS]},
        "hub_page": api_models(hub),
        "hub_frame": hub,
    }


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into a JSON value, the root included."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, (*prefix, index))
    return found


HUGE = st.sampled_from([2**63, -(2**63) - 1, 2**64, 10**40, 1e20, -1e308, 1e308])
NON_FINITE = st.sampled_from([float("nan"), float("inf"), float("-inf")])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    HUGE,
    NON_FINITE,
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["", "big", "text->text", "1e-9", "2026-13-45", "a\nb", "<html>"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def mutated(draw, answer: Any) -> Any:
    """`answer` with one to three mutations, each at a path drawn from the answer as it is."""
    changed = copy.deepcopy(answer)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(changed)))
        action = draw(st.sampled_from(["replace", "replace", "nest", "remove", "add"]))
        value = draw(VALUES)
        if not path:
            changed = value if action == "replace" else [changed] if action == "nest" else changed
            continue
        parent = changed
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        if action == "replace":
            parent[key] = value
        elif action == "nest":
            parent[key] = draw(st.sampled_from([[parent[key]], {"value": parent[key]}]))
        elif action == "remove":
            del parent[key]
        elif isinstance(parent[key], dict):
            parent[key][draw(st.text(min_size=1, max_size=6))] = value
    return changed


def parses_or_refuses(parse, payload: Any, schema: pl.Schema | None = None) -> None:
    """The parser returns a frame of its schema or raises InputError naming where: nothing
    else may escape (an AttributeError would be retried as a network fault)."""
    try:
        frame = parse(payload)
    except InputError as error:
        assert error.location and error.source
        assert "\n" not in str(error), "an error must stay one log line"
        return
    if schema is not None:
        assert frame.schema == schema


@given(data=st.data())
@FEW
def test_openrouter_models_parser_is_total(answers, data):
    payload = data.draw(mutated(answers["prices"]))

    def parse(body):
        frame = models_frame(body, location="prices/2026-01-01.json")
        next_link(body, location="prices/2026-01-01.json")
        return frame

    parses_or_refuses(parse, payload, OPENROUTER_MODELS_SCHEMA)


@given(data=st.data())
@FEW
def test_rankings_parser_is_total(answers, data):
    payload = data.draw(mutated(answers["rankings"]))

    parses_or_refuses(
        lambda body: rankings_frame(body, location="rankings/2026-01-01.json"),
        payload,
        RANKINGS_SCHEMA,
    )


@given(data=st.data())
@FEW
def test_hub_live_page_parser_is_total(answers, data):
    payload = data.draw(mutated(answers["hub_page"]))

    parses_or_refuses(lambda body: hub_page_frame(body, location="http://hub/api/models"), payload)


# The Hub's recorded answer is a Parquet file: its paths are columns and struct fields.
COLUMNS = st.one_of(
    st.lists(
        st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)), min_size=RECORDS, max_size=RECORDS
    ),
    st.lists(st.one_of(st.none(), st.floats()), min_size=RECORDS, max_size=RECORDS),
    st.lists(st.one_of(st.none(), st.text(max_size=8)), min_size=RECORDS, max_size=RECORDS),
    st.lists(st.booleans(), min_size=RECORDS, max_size=RECORDS),
    st.lists(st.lists(st.integers(0, 9), max_size=2), min_size=RECORDS, max_size=RECORDS),
    st.lists(
        st.fixed_dictionaries({"total": st.integers(0, 9)}), min_size=RECORDS, max_size=RECORDS
    ),
    st.just([2**64 - 1] * RECORDS),
    st.just([float("nan"), float("inf"), 1.5, None]),
    st.just([dt.date(1999, 6, 1)] * RECORDS),
)


@given(data=st.data())
@FEW
def test_hub_parquet_parser_is_total(answers, data):
    frame: pl.DataFrame = answers["hub_frame"]
    for _ in range(data.draw(st.integers(1, 3))):
        name = data.draw(st.sampled_from([*frame.columns, "extra"]))
        if data.draw(st.booleans()) and name in frame.columns:
            frame = frame.drop(name)
            continue
        values = data.draw(COLUMNS)
        frame = frame.with_columns(pl.Series(name, values, strict=False))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "2026-01-01.parquet"
        frame.write_parquet(path)
        parses_or_refuses(
            lambda target: read_snapshot_file(target, dt.date(2026, 1, 1)).frame,
            path,
            HUB_SNAPSHOT_SCHEMA,
        )


@given(cut=st.floats(0, 1), junk=st.binary(max_size=8))
@FEW
def test_a_truncated_or_garbled_price_file_is_refused(answers, cut, junk):
    body = json.dumps(answers["prices"]).encode()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "2026-01-01.json"
        path.write_bytes(body[: int(len(body) * cut)] + junk)
        parses_or_refuses(lambda target: read_price_file(target, dt.date(2026, 1, 1)).frame, path)
