"""The comparisons with the previous day read one join (`counter_changes`): what each rule counts
and samples from it, nulls and models in one snapshot only included."""

from __future__ import annotations

import polars as pl

from ingestion.quality.counters import (
    COUNTER_CORRECTIONS,
    COUNTERS_UNCHANGED,
    COUNTERS_WENT_DOWN_AT_ONCE,
    counter_changes,
    counters_going_down,
    counters_unchanged,
)

PREVIOUS = pl.DataFrame(
    {
        "id": ["o/g", "o/f", "o/e", "o/d", "o/c", "o/b", "o/a", "o/gone", "o/was-null"],
        "n": [10, 10, 10, 10, 10, 10, 10, 10, None],
    }
)
CURRENT = pl.DataFrame(
    {
        # six went down, o/d did not move, o/new is new, o/was-null had no counter
        "id": ["o/a", "o/b", "o/c", "o/d", "o/e", "o/f", "o/g", "o/new", "o/was-null"],
        "n": [9, 8, 7, 10, 5, 4, 3, 1, 4],
    }
)


def test_one_join_counts_what_each_rule_reads():
    changes = counter_changes(CURRENT, PREVIOUS, id_column="id", counter="n")

    assert changes.in_both == 8  # o/new and o/gone are in one snapshot only
    assert changes.compared == 7  # o/was-null has no previous counter
    assert (changes.went_down, changes.unchanged) == (6, 1)
    assert changes.down_ids == ("o/a", "o/b", "o/c", "o/e", "o/f")  # the first five by id
    assert changes.unchanged_ids == ("o/d",)


def test_the_rules_report_the_changes_with_counts_samples_and_thresholds():
    changes = counter_changes(CURRENT, PREVIOUS, id_column="id", counter="n")

    corrections, at_once = counters_going_down(
        changes, counter="n", max_share_down=0.5, min_models_down=5
    )
    unchanged = counters_unchanged(changes, counter="n", max_share_unchanged=0.1)

    assert (corrections.rule, corrections.passed, corrections.blocking) == (
        COUNTER_CORRECTIONS,
        False,
        False,
    )
    assert (corrections.unexpected_count, corrections.element_count) == (6, 7)
    assert at_once.rule == COUNTERS_WENT_DOWN_AT_ONCE and not at_once.passed and at_once.blocking
    assert at_once.sample_ids == changes.down_ids
    assert "6 of 7 models in both snapshots went down (85.7%)" in at_once.observed
    assert unchanged.rule == COUNTERS_UNCHANGED and not unchanged.passed
    assert (unchanged.unexpected_count, unchanged.element_count) == (1, 8)
    assert unchanged.sample_ids == ("o/d",)
