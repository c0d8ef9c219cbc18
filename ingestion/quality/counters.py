"""Comparisons of a snapshot with the previous accepted one, in Polars.

GX validates one batch at a time; these rules need two snapshots, so they are computed here
and reported as `RuleResult`s beside the GX ones.
"""

from __future__ import annotations

import polars as pl

from ingestion.quality.results import SAMPLE_SIZE, RuleResult

COUNTER_CORRECTIONS = "counter_corrections"
COUNTERS_WENT_DOWN_AT_ONCE = "counters_went_down_at_once"
COUNTERS_UNCHANGED = "counters_unchanged"
ROW_COUNT_COLLAPSED = "row_count_collapsed"


def counters_going_down(
    current: pl.DataFrame,
    previous: pl.DataFrame,
    *,
    id_column: str,
    counter: str,
    max_share_down: float,
    min_models_down: int,
) -> list[RuleResult]:
    """Two results: the rows whose lifetime counter went down (a warning: the Hub corrects
    counters now and then), and whether so many went down at once that the snapshot is stale
    or broken (blocking): more than `max_share_down` of the models present in both snapshots,
    and at least `min_models_down` of them, so one correction in a tiny snapshot is not enough.
    """
    both = _in_both(current, previous, id_column, counter).drop_nulls([counter, "_previous"])
    down = both.filter(pl.col(counter) < pl.col("_previous")).sort(id_column)
    in_both, went_down = both.height, down.height
    share = went_down / in_both if in_both else 0.0
    samples = tuple(down[id_column].head(SAMPLE_SIZE).to_list())
    observed = f"{went_down} of {in_both} models in both snapshots went down ({share:.1%})"
    at_once = went_down >= min_models_down and share > max_share_down
    return [
        RuleResult(
            rule=COUNTER_CORRECTIONS,
            passed=went_down == 0,
            blocking=False,
            field=counter,
            unexpected_count=went_down,
            element_count=in_both,
            sample_ids=samples,
            observed=observed,
        ),
        RuleResult(
            rule=COUNTERS_WENT_DOWN_AT_ONCE,
            passed=not at_once,
            blocking=True,
            field=counter,
            unexpected_count=went_down if at_once else 0,
            element_count=in_both,
            sample_ids=samples if at_once else (),
            observed=f"{observed}; the limit is {max_share_down:.0%}",
        ),
    ]


def counters_unchanged(
    current: pl.DataFrame,
    previous: pl.DataFrame,
    *,
    id_column: str,
    counter: str,
    max_share_unchanged: float,
) -> RuleResult:
    """A warning when more than `max_share_unchanged` of the lifetime counters of the models in
    both snapshots did not move: the source probably did not refresh (a stale copy, in whole or
    in part). The day is kept; dbt's `int_hub__snapshot_days`, which sees each model's history,
    decides which observations carry no weight (docs/quality.md)."""
    both = _in_both(current, previous, id_column, counter)
    still = both.filter(pl.col(counter) == pl.col("_previous")).sort(id_column)
    share = still.height / both.height if both.height else 0.0
    stale = share > max_share_unchanged
    return RuleResult(
        rule=COUNTERS_UNCHANGED,
        passed=not stale,
        blocking=False,
        field=counter,
        unexpected_count=still.height if stale else 0,
        element_count=both.height,
        sample_ids=tuple(still[id_column].head(SAMPLE_SIZE).to_list()) if stale else (),
        observed=f"{still.height} of {both.height} counters did not move ({share:.1%}); "
        f"above {max_share_unchanged:.0%} the day is treated as stale downstream",
    )


def _in_both(
    current: pl.DataFrame, previous: pl.DataFrame, id_column: str, counter: str
) -> pl.DataFrame:
    """The counter of every model in both snapshots, with the previous one as `_previous`."""
    return current.select(id_column, counter).join(
        previous.select(id_column, pl.col(counter).alias("_previous")), on=id_column, how="inner"
    )


def row_count_collapse(
    current: pl.DataFrame, previous: pl.DataFrame, *, id_column: str, min_ratio: float
) -> RuleResult:
    """Blocking when the snapshot has fewer than `min_ratio` times the previous one's rows."""
    collapsed = previous.height > 0 and current.height < min_ratio * previous.height
    missing = previous.select(id_column).join(current.select(id_column), on=id_column, how="anti")
    return RuleResult(
        rule=ROW_COUNT_COLLAPSED,
        passed=not collapsed,
        blocking=True,
        field=id_column,
        unexpected_count=missing.height if collapsed else 0,
        element_count=previous.height,
        sample_ids=tuple(missing.sort(id_column)[id_column].head(SAMPLE_SIZE).to_list())
        if collapsed
        else (),
        observed=f"{current.height} rows against {previous.height} in the previous snapshot "
        f"(the floor is {min_ratio:.0%})",
    )
