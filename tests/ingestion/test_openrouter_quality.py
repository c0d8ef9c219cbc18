"""The price suite on an OpenRouter answer of the demo data and of the real recordings,
doctored one fault at a time. Refusals must name the rule, the field and sample ids; `-1` is a warning."""

from __future__ import annotations

import copy
import datetime as dt
import json

import polars as pl
import pytest

from ingestion.errors import InputError
from ingestion.prices.parse import models_frame
from ingestion.prices.quality import UNKNOWN_PRICE, validate_price_snapshot
from ingestion.prices.recorded import recorded_price_source
from ingestion.quality.counters import ROW_COUNT_COLLAPSED
from ingestion.quality.expectations import shared_validator
from ingestion.quality.results import READABLE, Verdict, unreadable_verdict

DAY = dt.date(2026, 8, 19)
LOCATION = "openrouter/daily/2026-08-19.json"


@pytest.fixture(scope="module")
def frame(price_models) -> pl.DataFrame:
    return models_frame({"data": price_models}, location=LOCATION)


def validate(frame: pl.DataFrame, previous: pl.DataFrame | None = None) -> Verdict:
    return validate_price_snapshot(
        DAY, frame, location=LOCATION, previous=previous, validator=shared_validator()
    )


def failed(verdict: Verdict) -> dict[str, object]:
    return {r.rule: r for r in verdict.results if not r.passed}


def test_a_recorded_day_passes_with_its_unknown_prices_as_a_warning(frame):
    verdict = validate(frame, previous=frame)

    assert verdict.accepted
    assert verdict.blocking_failures == []
    (warning,) = verdict.warnings
    assert warning.rule == UNKNOWN_PRICE
    assert warning.field == "price_status"
    unknown = frame.filter(pl.col("prompt_price") == "-1")
    assert warning.unexpected_count == unknown.height > 0
    assert warning.element_count == frame.height
    assert "openrouter/auto" in unknown["openrouter_id"].to_list()
    assert set(warning.sample_ids) <= set(unknown["openrouter_id"].to_list())


def test_a_minus_one_price_is_flagged_not_refused(price_models):
    models = copy.deepcopy(price_models)
    models[0]["pricing"]["prompt"] = "-1"
    verdict = validate(models_frame({"data": models}, location=LOCATION))

    assert verdict.accepted
    assert models[0]["id"] in failed(verdict)[UNKNOWN_PRICE].sample_ids


def test_a_price_abc_is_refused_naming_source_file_and_field(price_models):
    models = copy.deepcopy(price_models)
    models[7]["pricing"]["completion"] = "abc"
    with pytest.raises(InputError) as error:
        models_frame({"data": models}, location=LOCATION)

    verdict = unreadable_verdict(DAY, error.value)

    assert not verdict.accepted
    (failure,) = verdict.blocking_failures
    assert failure.rule == READABLE
    assert failure.field == "data[7].pricing.completion"
    assert verdict.reason() == (
        f"openrouter: {LOCATION}: {READABLE} (field 'data[7].pricing.completion'): "
        "not a decimal price string: 'abc'"
    )


def test_a_negative_price_other_than_the_sentinel_is_refused(frame):
    doctored = frame.with_columns(
        pl.when(pl.col("openrouter_id") == frame["openrouter_id"][3])
        .then(pl.lit("-0.5"))
        .otherwise(pl.col("prompt_price"))
        .alias("prompt_price")
    )
    verdict = validate(doctored)

    rule = failed(verdict)["prompt_price_decimal_or_sentinel"]
    assert rule.blocking and rule.field == "prompt_price"
    assert rule.sample_ids == (frame["openrouter_id"][3],)


def test_duplicate_ids_are_refused_with_the_duplicates_named(frame):
    verdict = validate(pl.concat([frame, frame.slice(10, 2)]))

    assert not verdict.accepted
    rule = failed(verdict)["id_unique"]
    assert rule.field == "openrouter_id"
    assert rule.unexpected_count == 4
    assert set(rule.sample_ids) == set(frame.slice(10, 2)["openrouter_id"].to_list())


def test_a_variant_is_its_own_id_and_a_malformed_id_is_refused(frame):
    variants = frame.filter(pl.col("price_tier") != "standard")
    assert variants.height > 0 and validate(frame).accepted  # `x/y` and `x/y:free` both pass

    bad = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit("no-author-slug"))
        .otherwise(pl.col("openrouter_id"))
        .alias("openrouter_id")
    )
    rule = failed(validate(bad))["id_well_formed"]
    assert rule.sample_ids == ("no-author-slug",)


def test_an_empty_snapshot_is_refused(frame):
    verdict = validate(frame.clear(), previous=frame)

    assert not verdict.accepted
    assert "not_empty" in failed(verdict)


def test_a_collapsed_snapshot_of_a_tenth_of_the_models_is_refused(frame):
    tenth = frame.sample(fraction=0.1, seed=7)
    verdict = validate(tenth, previous=frame)

    assert not verdict.accepted
    rule = failed(verdict)[ROW_COUNT_COLLAPSED]
    assert rule.unexpected_count == frame.height - tenth.height
    assert f"{tenth.height} rows against {frame.height}" in rule.observed
    # Without a previous accepted snapshot the same frame is fine on its own.
    assert validate(tenth).accepted


def test_a_missing_required_column_is_refused_naming_it(frame):
    verdict = validate(frame.drop("price_status"))

    (failure,) = verdict.blocking_failures
    assert failure.rule == READABLE
    assert failure.field == "price_status"


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (lambda real: real[:5000], "not readable JSON"),
        (lambda real: "<html><body><h1>502 Bad Gateway</h1></body></html>", "an HTML page"),
        (lambda real: '{"data": {"id": "x"}}', "field 'data'"),
    ],
    ids=["truncated json", "html page", "wrong shape"],
)
def test_a_bad_recorded_file_is_an_input_error_naming_the_file(
    tmp_path, price_models, content, named
):
    real = json.dumps({"data": price_models})
    path = tmp_path / "2026-08-20.json"
    path.write_text(content(real))

    with pytest.raises(InputError) as error:
        recorded_price_source(tmp_path).fetch(dt.date(2026, 8, 20))

    reason = unreadable_verdict(dt.date(2026, 8, 20), error.value).reason()
    assert reason.startswith(f"openrouter: {path}: {READABLE}")
    assert named in reason
