"""The GX runner: rule names survive GX's reordering, a GX error is a failed rule, and what makes
a day of the whole Hub cheap (bench/validate_day.py) changes no verdict: the id pattern spelled
for RE2, unexpected rows reported by position, the batch's dtypes."""

from __future__ import annotations

import datetime as dt
import re

import great_expectations.expectations as gxe
import pandas as pd
import polars as pl

from ingestion.hub.quality import hub_snapshot_suite
from ingestion.quality.expectations import SPACE, Rule, Suite, pandas_batch, shared_validator


def test_results_keep_rule_names_fields_and_sample_ids():
    suite = Suite(
        name="test_two_rules",
        id_column="id",
        rules=(
            Rule("count_positive", gxe.ExpectColumnValuesToBeBetween(column="n", min_value=0), "n"),
            Rule("id_unique", gxe.ExpectColumnValuesToBeUnique(column="id"), "id", blocking=False),
        ),
    )
    frame = pl.DataFrame({"id": ["a/x", "a/y", "a/y"], "n": [1, -2, 3], "other": [0, 0, 0]})

    results = {r.rule: r for r in shared_validator().validate(frame, suite)}

    assert results["count_positive"].sample_ids == ("a/y",)
    assert results["count_positive"].unexpected_count == 1
    assert results["count_positive"].blocking
    assert results["id_unique"].unexpected_count == 2
    assert not results["id_unique"].blocking
    assert suite.columns == ["id", "n"]


def test_an_expectation_that_errors_is_a_failed_rule_not_a_crash():
    suite = Suite(
        name="test_range_on_text",
        id_column="id",
        rules=(Rule("n_range", gxe.ExpectColumnValuesToBeBetween(column="n", min_value=0), "n"),),
    )
    frame = pl.DataFrame({"id": ["a/x"], "n": ["one"]})

    (result,) = shared_validator().validate(frame, suite)

    assert not result.passed
    assert result.observed.startswith("GX error: Column values, min_value, and max_value")


def test_space_is_exactly_what_pythons_backslash_s_matches():
    every = (chr(point) for point in range(0x110000))
    spelled = [c for c in every if re.fullmatch(f"[{SPACE}]", c)]

    assert spelled == [chr(p) for p in range(0x110000) if re.fullmatch(r"\s", chr(p))]


def test_the_hub_id_rule_judges_ids_as_pythons_pattern_with_backslash_s_does():
    # Spelled out for RE2, the pattern must still refuse every whitespace Python knows.
    python = re.compile(r"^[^/\s]+/[^/\s]+$")
    refused = ["org/na\u2003me", "org/a\x85b", "org/a\x0bb", "org/a/b", "/name"]
    taken = ["org/naïve", "組織/模型", "org/a\x00b", "o-1/m.v2_x"]
    # A newline in the data sends pandas back to Python's `re`, whose `$` takes a trailing one.
    newline = ["org/name\n", "org/na\nme"]
    expected = [bool(python.search(i)) for i in refused + taken + newline]
    assert expected == [False] * 5 + [True] * 4 + [True, False]

    for ids, wrong in ((refused + taken, refused), (taken + newline, ["org/na\nme"])):
        frame = hub_frame(ids)
        results = {r.rule: r for r in shared_validator().validate(frame, hub_snapshot_suite())}
        assert results["id_well_formed"].unexpected_count == len(wrong)
        assert set(results["id_well_formed"].sample_ids) == set(wrong)


def test_sample_ids_are_the_first_distinct_ids_even_when_one_id_repeats_a_hundred_times():
    ids = ["a/x"] * 150 + ["a/y", "a/y", "a/z", "a/w", "a/v", "a/u", "a/t"]
    suite = Suite(
        name="test_unique",
        id_column="id",
        rules=(Rule("id_unique", gxe.ExpectColumnValuesToBeUnique(column="id"), "id"),),
    )

    (result,) = shared_validator().validate(pl.DataFrame({"id": ids}), suite)

    assert result.unexpected_count == 152
    assert result.sample_ids == ("a/x", "a/y")


def test_a_day_failing_a_warning_on_every_row_is_counted_and_sampled_in_row_order():
    frame = hub_frame([f"org/m{n:04d}" for n in range(3000)]).with_columns(
        pl.lit(None, pl.Int64).alias("downloadsAllTime")
    )

    results = {r.rule: r for r in shared_validator().validate(frame, hub_snapshot_suite())}

    missing = results["downloads_all_time_present"]
    assert (missing.passed, missing.unexpected_count, missing.element_count) == (False, 3000, 3000)
    assert missing.sample_ids == tuple(f"org/m{n:04d}" for n in range(5))
    assert all(r.passed for r in results.values() if r.blocking)


def test_gx_reads_text_as_arrow_backed_strings_and_numbers_as_numpy():
    # GX compares NumPy numbers vectorised and Arrow-backed ones value by value in Python.
    batch = pandas_batch(hub_frame(["a/b", "c/d"]).select(hub_snapshot_suite().columns))

    assert isinstance(batch["id"].dtype, pd.StringDtype) and batch["id"].dtype.storage == "pyarrow"
    assert batch["downloadsAllTime"].dtype == "int64"
    assert str(batch["createdAt"].dtype) == "datetime64[us, UTC]"


def hub_frame(ids: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": ids,
            "downloadsAllTime": [10] * len(ids),
            "downloads": [1] * len(ids),
            "likes": [0] * len(ids),
            "createdAt": [dt.datetime(2024, 1, 1, tzinfo=dt.UTC)] * len(ids),
        }
    )
