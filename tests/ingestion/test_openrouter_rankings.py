"""OpenRouter's daily usage rankings: the parse, the recorded source and the quality suite, on
small synthetic answers doctored one fault at a time, then on every recorded day (demo and real)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from ingestion.errors import InputError
from ingestion.quality.expectations import shared_validator
from ingestion.quality.limits import SNAPSHOT_NOT_IN_FUTURE
from ingestion.quality.results import READABLE, Verdict, unreadable_verdict
from ingestion.usage.parse import rankings_frame, require_day
from ingestion.usage.quality import (
    AT_MOST_50_RANKED,
    DATED_THE_SNAPSHOT_DAY,
    ONE_OTHER_ROW,
    RANKED_BY_TOKENS,
    rankings_suite,
    validate_rankings_snapshot,
)
from ingestion.usage.recorded import recorded_rankings_source
from ingestion.usage.schema import RANKINGS_SCHEMA, RANKINGS_SOURCE
from tests.data import REAL_RANKINGS, requires_real_data
from tests.plugins.demo import DEMO_DIR

DAY = dt.date(2026, 3, 14)
LOCATION = "rankings_daily/2026-03-14.json"
AS_OF = "2026-03-15T02:00:00Z"


def answer(ranked: int = 50, day: dt.date = DAY) -> dict[str, Any]:
    """A synthetic answer: `ranked` rows with strictly falling token counts, then `other`."""
    rows = [
        {
            "date": day.isoformat(),
            "model_permaslug": f"lab-{i % 7}/model-{i:02d}-20260101",
            "total_tokens": str(9_000_000_000 - 150_000_000 * i),
        }
        for i in range(ranked)
    ]
    rows.append({"date": day.isoformat(), "model_permaslug": "other", "total_tokens": "4242"})
    meta = {"as_of": AS_OF, "start_date": day.isoformat(), "end_date": day.isoformat()}
    return {"data": rows, "meta": {**meta, "version": "v1"}}


def parse(payload: dict[str, Any]) -> pl.DataFrame:
    return rankings_frame(payload, location=LOCATION)


def validate(frame: pl.DataFrame, day: dt.date = DAY) -> Verdict:
    return validate_rankings_snapshot(
        day, frame, location=LOCATION, previous=None, validator=shared_validator()
    )


def failed(verdict: Verdict) -> dict[str, Any]:
    return {r.rule: r for r in verdict.results if not r.passed}


# --- the parse ---------------------------------------------------------------------------------


def test_a_20_digit_token_count_is_parsed_exactly():
    text = "98765432109876543217"
    assert int(float(text)) != int(text)  # a float on the way would lose the last digits
    payload = answer(ranked=2)
    payload["data"][0]["total_tokens"] = text

    frame = parse(payload)

    assert frame.schema == RANKINGS_SCHEMA
    assert frame["total_tokens"][0] == Decimal(text)
    assert int(frame["total_tokens"][0]) == int(text)
    assert frame["total_tokens_text"][0] == text


def test_38_digits_fit_and_39_do_not():
    payload = answer(ranked=1)
    payload["data"][0]["total_tokens"] = "9" * 38
    assert parse(payload)["total_tokens"][0] == Decimal("9" * 38)

    payload["data"][0]["total_tokens"] = "1" + "0" * 38
    with pytest.raises(InputError) as error:
        parse(payload)
    assert error.value.field == "data[0].total_tokens"


def test_ranks_are_positions_in_the_answer_and_other_has_none():
    payload = answer(ranked=3)
    frame = parse(payload)

    assert frame["rank"].to_list() == [1, 2, 3, None]
    assert frame["is_other"].to_list() == [False, False, False, True]
    assert frame["model_permaslug"].to_list() == [r["model_permaslug"] for r in payload["data"]]
    assert frame["total_tokens_text"].to_list() == [r["total_tokens"] for r in payload["data"]]
    assert frame["usage_date"].unique().to_list() == [DAY]
    assert frame["as_of"].unique().to_list() == [dt.datetime(2026, 3, 15, 2, tzinfo=dt.UTC)]
    assert frame["meta_start_date"].unique().to_list() == [DAY]
    assert frame["meta_end_date"].unique().to_list() == [DAY]
    assert frame["meta_version"].unique().to_list() == ["v1"]


def test_other_in_the_middle_does_not_take_a_rank():
    payload = answer(ranked=2)
    payload["data"].insert(1, payload["data"].pop())

    assert parse(payload)["rank"].to_list() == [1, None, 2]


def test_an_offset_as_of_is_converted_to_utc():
    payload = answer(ranked=1)
    payload["meta"]["as_of"] = "2026-03-15T04:00:00+02:00"

    assert parse(payload)["as_of"][0] == dt.datetime(2026, 3, 15, 2, tzinfo=dt.UTC)


def test_an_empty_data_list_is_an_empty_frame():
    payload = answer()
    payload["data"] = []

    frame = parse(payload)

    assert frame.is_empty() and frame.schema == RANKINGS_SCHEMA


def _set(path: str, value: Any):
    """A doctoring of the synthetic answer: `data.2.total_tokens` = value (None: delete)."""

    def doctor(payload: dict[str, Any]) -> dict[str, Any]:
        *parents, last = path.split(".")
        target: Any = payload
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if value is None:
            del target[int(last) if isinstance(target, list) else last]
        else:
            target[int(last) if isinstance(target, list) else last] = value
        return payload

    return doctor


MALFORMED = {
    "a list, not an object": (lambda payload: payload["data"], None),
    "no data": (_set("data", None), "data"),
    "data an object": (_set("data", {"a": 1}), "data"),
    "no meta": (_set("meta", None), "meta"),
    "meta a list": (_set("meta", []), "meta"),
    "tokens 12.5": (_set("data.2.total_tokens", "12.5"), "data[2].total_tokens"),
    "tokens -3": (_set("data.2.total_tokens", "-3"), "data[2].total_tokens"),
    "tokens 1e9": (_set("data.2.total_tokens", "1e9"), "data[2].total_tokens"),
    "tokens abc": (_set("data.2.total_tokens", "abc"), "data[2].total_tokens"),
    "tokens empty": (_set("data.2.total_tokens", ""), "data[2].total_tokens"),
    "tokens spaced": (_set("data.2.total_tokens", " 12"), "data[2].total_tokens"),
    "tokens arabic digits": (_set("data.2.total_tokens", "١٢"), "data[2].total_tokens"),
    "tokens a number": (_set("data.2.total_tokens", 12), "data[2].total_tokens"),
    "tokens missing": (_set("data.3.total_tokens", None), "data[3].total_tokens"),
    "other's tokens": (_set("data.50.total_tokens", "1.0"), "data[50].total_tokens"),
    "date impossible": (_set("data.1.date", "2026-02-30"), "data[1].date"),
    "date slashes": (_set("data.1.date", "2026/03/14"), "data[1].date"),
    "date compact": (_set("data.1.date", "20260314"), "data[1].date"),
    "date missing": (_set("data.1.date", None), "data[1].date"),
    "permaslug missing": (_set("data.0.model_permaslug", None), "data[0].model_permaslug"),
    "permaslug empty": (_set("data.0.model_permaslug", ""), "data[0].model_permaslug"),
    "row a string": (_set("data.4", "x"), "data[4]"),
    "as_of unparsable": (_set("meta.as_of", "yesterday"), "meta.as_of"),
    "as_of without offset": (_set("meta.as_of", "2026-03-15T02:00:00"), "meta.as_of"),
    "as_of missing": (_set("meta.as_of", None), "meta.as_of"),
    "start_date unparsable": (_set("meta.start_date", "14/03/2026"), "meta.start_date"),
    "end_date missing": (_set("meta.end_date", None), "meta.end_date"),
    "version missing": (_set("meta.version", None), "meta.version"),
}


@pytest.mark.parametrize(("doctor", "field"), MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_answer_is_an_input_error_naming_the_field(doctor, field):
    with pytest.raises(InputError) as error:
        parse(doctor(answer()))

    assert error.value.source == RANKINGS_SOURCE
    assert error.value.location == LOCATION
    assert error.value.field == field
    verdict = unreadable_verdict(DAY, error.value)
    assert not verdict.accepted and verdict.blocking_failures[0].field == field


def test_require_day_names_the_first_row_or_meta_of_another_day():
    require_day(parse(answer()), DAY, location=LOCATION)  # the day asked for: no error

    payload = answer()
    payload["data"][7]["date"] = (DAY - dt.timedelta(days=1)).isoformat()
    with pytest.raises(InputError) as error:
        require_day(parse(payload), DAY, location=LOCATION)
    assert error.value.field == "data[7].date"

    payload = answer()
    payload["meta"]["end_date"] = (DAY + dt.timedelta(days=6)).isoformat()
    with pytest.raises(InputError) as error:
        require_day(parse(payload), DAY, location=LOCATION)
    assert error.value.field == "meta.end_date"


# --- the recorded source -----------------------------------------------------------------------


def write(folder: Path, name: str, payload: Any) -> Path:
    path = folder / name
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload))
    return path


def test_recorded_days_are_the_json_files_and_provenance_is_ignored(tmp_path):
    for day in (DAY, DAY + dt.timedelta(days=2)):
        write(tmp_path, f"{day.isoformat()}.json", answer(day=day))
    write(tmp_path, "PROVENANCE.csv", "date,rows\nnot,a,day\n")
    write(tmp_path, "NOTES.md", "# not a day\n")

    source = recorded_rankings_source(tmp_path)

    assert list(recorded_rankings_source(tmp_path).scan()[0]) == [DAY, DAY + dt.timedelta(days=2)]
    snapshot = source.fetch(DAY)
    assert snapshot.day == DAY and snapshot.pages == 0
    assert snapshot.location == str(tmp_path / "2026-03-14.json")
    assert snapshot.frame.equals(parse(answer()))


def test_a_day_without_a_file_is_a_gap(tmp_path):
    write(tmp_path, f"{DAY.isoformat()}.json", answer())

    assert recorded_rankings_source(tmp_path).fetch(DAY + dt.timedelta(days=1)) is None


@pytest.mark.parametrize(
    ("content", "named", "field"),
    [
        (lambda good: good[:300], "not readable JSON", None),
        (lambda good: "<html><body><h1>502 Bad Gateway</h1></body></html>", "an HTML page", None),
        (lambda good: '{"data": [], "meta": "v1"}', "missing or not an object", "meta"),
    ],
    ids=["truncated json", "html page", "wrong shape"],
)
def test_a_bad_recorded_file_is_an_input_error_naming_the_file(tmp_path, content, named, field):
    path = write(tmp_path, f"{DAY.isoformat()}.json", content(json.dumps(answer())))

    with pytest.raises(InputError) as error:
        recorded_rankings_source(tmp_path).fetch(DAY)

    assert error.value.location == str(path)
    assert error.value.field == field
    reason = unreadable_verdict(DAY, error.value).reason()
    assert reason.startswith(f"{RANKINGS_SOURCE}: {path}: {READABLE}")
    assert named in reason


# --- the suite ---------------------------------------------------------------------------------


def test_a_good_day_is_accepted_without_warnings():
    frame = parse(answer())
    verdict = validate(frame)

    assert verdict.accepted, verdict.reason()
    assert verdict.warnings == []
    assert verdict.source == RANKINGS_SOURCE and verdict.rows == 51
    names = {r.rule for r in verdict.results}
    assert {rule.name for rule in rankings_suite().rules} <= names
    assert {ONE_OTHER_ROW, AT_MOST_50_RANKED, RANKED_BY_TOKENS, DATED_THE_SNAPSHOT_DAY} <= names


def test_two_other_rows_are_refused():
    payload = answer(ranked=49)
    payload["data"].append(copy.deepcopy(payload["data"][-1]))
    verdict = validate(parse(payload))

    assert not verdict.accepted
    assert {r.rule for r in verdict.blocking_failures} == {ONE_OTHER_ROW, "permaslug_unique"}
    assert failed(verdict)[ONE_OTHER_ROW].unexpected_count == 1
    assert "2 `other` rows" in failed(verdict)[ONE_OTHER_ROW].observed


def test_a_day_without_other_is_refused():
    payload = answer()
    payload["data"].pop()
    verdict = validate(parse(payload))

    assert [r.rule for r in verdict.blocking_failures] == [ONE_OTHER_ROW]


def test_a_duplicate_permaslug_is_refused_naming_it():
    payload = answer()
    slug = payload["data"][4]["model_permaslug"]
    payload["data"][5]["model_permaslug"] = slug
    verdict = validate(parse(payload))

    assert [r.rule for r in verdict.blocking_failures] == ["permaslug_unique"]
    rule = failed(verdict)["permaslug_unique"]
    assert rule.field == "model_permaslug"
    assert rule.unexpected_count == 2 and rule.sample_ids == (slug,)


def test_rows_out_of_order_are_a_warning_not_a_refusal():
    payload = answer()
    rows = payload["data"]
    rows[2]["total_tokens"], rows[3]["total_tokens"] = (
        rows[3]["total_tokens"],
        rows[2]["total_tokens"],
    )
    verdict = validate(parse(payload))

    assert verdict.accepted
    (warning,) = verdict.warnings
    assert warning.rule == RANKED_BY_TOKENS and not warning.blocking
    assert warning.sample_ids == (rows[3]["model_permaslug"],)


def test_a_tie_is_ordered_by_permaslug():
    payload = answer(ranked=3)
    rows = payload["data"]
    rows[2]["total_tokens"] = rows[1]["total_tokens"]
    rows[1]["model_permaslug"], rows[2]["model_permaslug"] = "zeta/b", "alpha/a"
    assert [r.rule for r in validate(parse(payload)).warnings] == [RANKED_BY_TOKENS]

    rows[1]["model_permaslug"], rows[2]["model_permaslug"] = "alpha/a", "zeta/b"
    assert validate(parse(payload)).warnings == []


def test_a_row_of_another_day_is_refused():
    payload = answer()
    payload["data"][9]["date"] = (DAY + dt.timedelta(days=1)).isoformat()
    verdict = validate(parse(payload))

    assert [r.rule for r in verdict.blocking_failures] == [DATED_THE_SNAPSHOT_DAY]
    rule = failed(verdict)[DATED_THE_SNAPSHOT_DAY]
    assert rule.unexpected_count == 1
    assert rule.sample_ids == (payload["data"][9]["model_permaslug"],)
    # The whole answer is for another day than the snapshot's: every row is refused.
    assert failed(validate(parse(answer()), DAY + dt.timedelta(days=1)))[
        DATED_THE_SNAPSHOT_DAY
    ].unexpected_count == len(answer()["data"])


def test_more_than_50_ranked_rows_are_refused():
    verdict = validate(parse(answer(ranked=52)))

    assert [r.rule for r in verdict.blocking_failures] == [AT_MOST_50_RANKED]
    assert failed(verdict)[AT_MOST_50_RANKED].unexpected_count == 2


def test_an_empty_day_is_refused():
    payload = answer()
    payload["data"] = []
    verdict = validate(parse(payload))

    assert {"not_empty", ONE_OTHER_ROW} <= {r.rule for r in verdict.blocking_failures}


def test_doctored_negative_tokens_are_refused():
    # The parse never yields these; the suite must hold on its own for frames built elsewhere.
    frame = parse(answer()).with_columns(
        pl.when(pl.col("rank") == 3)
        .then(pl.lit(-5).cast(pl.Decimal(38, 0)))
        .otherwise(pl.col("total_tokens"))
        .alias("total_tokens"),
        pl.when(pl.col("rank") == 3)
        .then(pl.lit("-5"))
        .otherwise(pl.col("total_tokens_text"))
        .alias("total_tokens_text"),
    )
    verdict = validate(frame)

    slug = frame.filter(pl.col("rank") == 3)["model_permaslug"][0]
    assert failed(verdict)["total_tokens_non_negative"].sample_ids == (slug,)
    assert failed(verdict)["total_tokens_text_integer"].sample_ids == (slug,)


def test_a_missing_or_mistyped_column_is_refused_naming_it():
    frame = parse(answer())

    (failure,) = validate(frame.drop("is_other")).blocking_failures
    assert failure.rule == READABLE and failure.field == "is_other"

    # Only the day and the types are judged: the suite would read the mistyped column.
    day_rule, failure = validate(
        frame.with_columns(pl.col("total_tokens").cast(pl.Float64))
    ).results
    assert day_rule.rule == SNAPSHOT_NOT_IN_FUTURE and day_rule.passed
    assert failure.rule == READABLE and failure.field == "total_tokens"


# --- every recorded day ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "folder",
    [
        DEMO_DIR / "openrouter" / "rankings_daily",
        pytest.param(REAL_RANKINGS, marks=requires_real_data),
    ],
    ids=["demo", "real"],
)
def test_every_recorded_day_parses_and_is_accepted(folder):
    source = recorded_rankings_source(folder)
    days = list(recorded_rankings_source(folder).scan()[0])
    assert [d.isoformat() for d in days] == sorted(p.stem for p in folder.glob("*.json"))
    assert days

    snapshots = [source.fetch(day) for day in days]
    validator = shared_validator()
    validator.prime([s.frame for s in snapshots], rankings_suite())
    for snapshot in snapshots:
        raw = json.loads((folder / f"{snapshot.day.isoformat()}.json").read_text())
        frame = snapshot.frame
        verdict = validate_rankings_snapshot(
            snapshot.day, frame, location=snapshot.location, previous=None, validator=validator
        )

        assert verdict.accepted, verdict.reason()
        assert frame.height == len(raw["data"])
        assert int(frame["total_tokens"].sum()) == sum(int(r["total_tokens"]) for r in raw["data"])
        assert frame["model_permaslug"].to_list() == [r["model_permaslug"] for r in raw["data"]]
        ranked = [r for r in raw["data"] if r["model_permaslug"] != "other"]
        assert frame.drop_nulls("rank")["rank"].to_list() == list(range(1, len(ranked) + 1))
        as_of = dt.datetime.fromisoformat(raw["meta"]["as_of"]).astimezone(dt.UTC)
        assert frame["as_of"].unique().to_list() == [as_of]
