"""Parsing OpenRouter prices, on the newest answer of the demo data and on the real
`output_modalities=all` answer of the recordings. Each case (a free variant, a batch tier, the
-1 sentinel, overrides) is found in the answer itself and checked against its own strings."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

import polars as pl
import pytest

from ingestion.errors import InputError
from ingestion.prices.parse import models_frame, parse_price, split_variant
from ingestion.prices.recorded import recorded_price_source
from tests.plugins.demo import DEMO_DIR

LOCATION = "openrouter/daily/2026-08-19.json"


@pytest.fixture(scope="module")
def frame(price_models) -> pl.DataFrame:
    return models_frame({"data": price_models}, location=LOCATION)


def row(frame: pl.DataFrame, openrouter_id: str) -> dict:
    return frame.filter(pl.col("openrouter_id") == openrouter_id).row(0, named=True)


def first(models: list[dict], test) -> dict:
    found = [m for m in models if test(m)]
    assert found, "the answer has no such model"
    return found[0]


def per_million(text: str) -> Decimal:
    return Decimal(text) * 1_000_000


def test_free_variant_is_free_with_zero_prices_not_null(price_models, frame):
    model = first(price_models, lambda m: m["id"].endswith(":free"))
    free = row(frame, model["id"])

    assert (free["model_id"], free["price_tier"]) == (model["id"].removesuffix(":free"), "free")
    assert free["price_status"] == "free"
    assert free["input_usd_per_mtok"] == Decimal(0)
    assert free["output_usd_per_mtok"] == Decimal(0)


def test_batch_variant_is_a_separate_tier_of_the_same_model(price_models, frame):
    ids = {m["id"] for m in price_models}
    model = first(price_models, lambda m: m["id"].endswith(":batch") and m["id"][:-6] in ids)
    batch = row(frame, model["id"])
    standard = row(frame, model["id"][:-6])

    assert (batch["model_id"], batch["price_tier"]) == (standard["model_id"], "batch")
    assert standard["price_tier"] == "standard"
    assert batch["input_usd_per_mtok"] == per_million(model["pricing"]["prompt"])


def test_a_minus_one_sentinel_is_unknown_not_negative(price_models, frame):
    model = first(price_models, lambda m: m["pricing"]["prompt"] == "-1")
    router = row(frame, model["id"])

    assert router["prompt_price"] == "-1"
    assert router["price_status"] == "unknown"
    assert router["input_usd_per_mtok"] is None
    assert router["output_usd_per_mtok"] is None


def test_overrides_are_flagged_and_kept_without_replacing_the_list_price(price_models, frame):
    model = first(price_models, lambda m: m["pricing"].get("overrides"))
    flagged = row(frame, model["id"])
    plain = first(price_models, lambda m: not m["pricing"].get("overrides"))

    assert flagged["has_overrides"] is True
    assert json.loads(flagged["overrides"]) == model["pricing"]["overrides"]
    assert flagged["input_usd_per_mtok"] == per_million(model["pricing"]["prompt"])
    assert flagged["output_usd_per_mtok"] == per_million(model["pricing"]["completion"])
    assert row(frame, plain["id"])["has_overrides"] is False


def test_prices_are_exact_decimals_per_million_tokens(price_models, frame):
    priced = frame.filter(pl.col("price_status") == "priced")
    prompts = {m["id"]: m["pricing"]["prompt"] for m in price_models}

    assert priced.height > 10
    for openrouter_id, value in priced.select("openrouter_id", "input_usd_per_mtok").iter_rows():
        assert value == per_million(prompts[openrouter_id]), openrouter_id
    assert frame.schema["input_usd_per_mtok"] == pl.Decimal(38, 18)


def test_a_price_that_is_not_a_decimal_names_source_file_and_field(price_models):
    broken = copy.deepcopy(price_models[:3])
    broken[2]["pricing"]["prompt"] = "abc"

    with pytest.raises(InputError) as error:
        models_frame({"data": broken}, location=LOCATION)

    assert error.value.source == "openrouter"
    assert error.value.location == LOCATION
    assert error.value.field == "data[2].pricing.prompt"
    assert "'abc'" in str(error.value)


def test_a_price_in_scientific_notation_is_read_exactly():
    # As the real answer of 2026-05-08 sent one: 5e-09 USD per token is 0.005 per million.
    price = parse_price("5e-09", location=LOCATION, field="pricing.prompt")

    assert price == Decimal("0.000000005")
    assert price * 1_000_000 == Decimal("0.005")


@pytest.mark.parametrize("text", ["", "0x10", " ", "1,5", "1e", "e-9", "nan", None, 0.5])
def test_only_plain_decimal_strings_are_prices(text):
    with pytest.raises(InputError, match="not a decimal price string"):
        parse_price(text, location=LOCATION, field="pricing.prompt")


def test_split_variant():
    assert split_variant("qwen/qwen-plus-2025-07-28:thinking") == (
        "qwen/qwen-plus-2025-07-28",
        "thinking",
    )
    assert split_variant("~openai/gpt-latest") == ("~openai/gpt-latest", "standard")


def test_recorded_folder_reads_json_and_gzip_days_and_gaps_otherwise(tmp_path, price_models):
    body = json.dumps({"data": price_models})
    (tmp_path / "2026-08-19.json").write_text(body)
    demo = DEMO_DIR / "openrouter" / "daily"
    source = recorded_price_source(demo)
    gz_days = sorted(p.name.removesuffix(".json.gz") for p in demo.glob("*.json.gz"))

    assert [d.isoformat() for d in recorded_price_source(demo).scan()[0]] == gz_days
    assert source.fetch(dt.date.fromisoformat(gz_days[-1])).frame.height > 10
    assert recorded_price_source(tmp_path).fetch(dt.date(2026, 8, 19)).frame.height == len(
        price_models
    )
    assert recorded_price_source(tmp_path).fetch(dt.date(2026, 8, 18)) is None


@pytest.mark.parametrize(
    ("name", "content"),
    [("2026-08-20.json", b'{"data": [{"id": '), ("2026-08-20.json.gz", b"\x1f\x8b\x08 truncated")],
    ids=["truncated json", "truncated gzip"],
)
def test_an_unreadable_answer_names_the_file(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)

    with pytest.raises(InputError, match="not readable JSON") as error:
        recorded_price_source(tmp_path).fetch(dt.date(2026, 8, 20))

    assert error.value.location == str(tmp_path / name)
