"""The GX runner: rule names survive GX's reordering, and a GX error is a failed rule."""

from __future__ import annotations

import great_expectations.expectations as gxe
import polars as pl

from ingestion.quality.expectations import Rule, Suite, shared_validator


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
