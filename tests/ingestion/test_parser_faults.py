"""The answers issue 26's probe found to escape the parsers: each is now an InputError naming the
file, the record and the field (so the day is quarantined, never retried), not an
AttributeError, OverflowError or TypeError that Dagster took for a transient fault."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math

import dagster as dg
import polars as pl
import pytest

from ingestion.errors import FetchError, InputError
from ingestion.hub.live import models_frame as hub_models_frame
from ingestion.hub.recorded import read_snapshot_file
from ingestion.prices.parse import models_frame
from ingestion.prices.recorded import read_price_file
from ingestion.usage.parse import rankings_frame
from orchestration.defs.quality.retries import final_on_bad_input
from tests.data import read_answer
from tests.plugins.demo import DEMO_DIR

LOCATION = "openrouter/daily/2026-08-19.json"


@pytest.fixture(scope="module")
def answer(demo) -> dict:
    newest = sorted((DEMO_DIR / "openrouter" / "daily").glob("*.json*"))[-1]
    return read_answer(newest)


def with_field(answer: dict, index: int, path: tuple[str, ...], value) -> dict:
    changed = copy.deepcopy(answer)
    target = changed["data"][index]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("architecture",), "text->text"),
        (("created",), 1e20),
        (("created",), math.nan),
        (("context_length",), "big"),
        (("hugging_face_id",), ["meta-llama/Llama-3-8B"]),
        (("pricing", "overrides"), [1]),
        (("pricing", "overrides"), {}),
    ],
    ids=[
        "architecture-string",
        "created-1e20",
        "created-nan",
        "context-string",
        "hf-id-list",
        "overrides-list-of-int",
        "overrides-object",
    ],
)
def test_a_mistyped_field_is_an_input_error_naming_file_record_and_field(answer, path, value):
    bad = with_field(answer, 3, path, value)

    with pytest.raises(InputError) as raised:
        models_frame(bad, location=LOCATION)

    assert raised.value.location == LOCATION
    # The element of a list is named when it is the one that is wrong (`overrides[0]`).
    assert raised.value.field.startswith("data[3]." + ".".join(path))
    assert LOCATION in str(raised.value) and "data[3]" in str(raised.value)


def test_the_recorded_file_with_a_mistyped_field_is_refused_by_the_reader(answer, tmp_path):
    path = tmp_path / "2026-08-19.json"
    path.write_text(json.dumps(with_field(answer, 3, ("architecture",), "text->text")))

    with pytest.raises(InputError) as raised:
        read_price_file(path, dt.date(2026, 8, 19))

    assert raised.value.location == str(path)


def test_a_links_next_that_is_not_a_string_is_an_input_error(answer):
    bad = copy.deepcopy(answer) | {"links": ["next"]}

    with pytest.raises(InputError) as raised:
        models_frame(bad, location=LOCATION)

    assert raised.value.field == "links"


def test_a_rankings_timestamp_that_overflows_in_utc_is_an_input_error():
    payload = {
        "data": [],
        "meta": {
            "as_of": "0001-01-01T00:00:00+01:00",
            "start_date": "2026-01-01",
            "end_date": "2026-01-01",
            "version": "v1",
        },
    }

    with pytest.raises(InputError) as raised:
        rankings_frame(payload, location="rankings/2026-01-01.json")

    assert raised.value.field == "meta.as_of"


@pytest.mark.parametrize(
    ("field", "value"),
    [("downloadsAllTime", 2**70), ("trendingScore", "hot"), ("tags", "a,b"), ("author", 3)],
)
def test_a_mistyped_hub_model_is_an_input_error_naming_the_record(field, value):
    models = [
        {"id": "org/a", "downloadsAllTime": 10, "tags": ["x"]},
        {"id": "org/b", "downloadsAllTime": 20, field: value},
    ]

    with pytest.raises(InputError) as raised:
        hub_models_frame(models, location="http://hub/api/models?author=org")

    assert raised.value.field == f"[1].{field}"


def test_a_hub_file_with_a_struct_where_a_counter_belongs_is_an_input_error(tmp_path):
    path = tmp_path / "2026-06-01.parquet"
    pl.DataFrame(
        {"id": ["org/a"], "downloadsAllTime": [{"total": 3}], "downloads": [1]}
    ).write_parquet(path)

    with pytest.raises(InputError) as raised:
        read_snapshot_file(path, dt.date(2026, 6, 1))

    assert raised.value.field == "downloadsAllTime"


@pytest.mark.parametrize(
    "error",
    [
        InputError("openrouter", "a.json", "data[3].architecture", "not an object"),
        AttributeError("'str' object has no attribute 'get'"),
        OverflowError("timestamp out of range"),
    ],
)
def test_bad_data_fails_the_step_without_a_retry(error):
    with pytest.raises(dg.Failure) as failed, final_on_bad_input():
        raise error

    assert failed.value.allow_retries is False
    assert "\n" not in failed.value.description


def test_a_network_fault_is_left_to_the_retry_policy():
    with pytest.raises(FetchError), final_on_bad_input():
        raise FetchError("openrouter", "http://127.0.0.1/models", "503 after 4 attempts")
