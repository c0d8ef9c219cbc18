"""Comparisons of a snapshot with the previous accepted one, in Polars.

GX validates one batch at a time; these rules need two snapshots, so they are computed here,
each day joined with the previous one once (`counter_changes`), and reported as `RuleResult`s
beside the GX ones: the same fields GX's results give (rows unexpected, of how many, sample
ids, what was observed), in reason.json and the asset checks alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ingestion.quality.results import SAMPLE_SIZE, RuleResult

COUNTER_CORRECTIONS = "counter_corrections"
COUNTERS_WENT_DOWN_AT_ONCE = "counters_went_down_at_once"
COUNTERS_UNCHANGED = "counters_unchanged"
ROW_COUNT_COLLAPSED = "row_count_collapsed"


@dataclass(frozen=True)
class CounterChanges:
    """How a lifetime counter moved between two snapshots, over the models in both: one join
    of the two days in Polars (a day of the whole Hub joins 2,000,000 ids in well under a
    second), which every comparison rule reads, each reporting its own `RuleResult`."""

    in_both: int  # models in both snapshots
    compared: int  # ... with the counter set in both
    went_down: int
    unchanged: int
    down_ids: tuple[str, ...]  # the first SAMPLE_SIZE ids, in id order
    unchanged_ids: tuple[str, ...]


def counter_changes(
    current: pl.DataFrame, previous: pl.DataFrame, *, id_column: str, counter: str
) -> CounterChanges:
    before = previous.lazy().select(id_column, pl.col(counter).alias("_previous"))
    both = current.lazy().select(id_column, counter).join(before, on=id_column, how="inner")
    down = pl.col(counter) < pl.col("_previous")
    same = pl.col(counter) == pl.col("_previous")  # null where either is null: not counted

    def first_ids(condition: pl.Expr) -> pl.Expr:
        return pl.col(id_column).filter(condition).bottom_k(SAMPLE_SIZE).sort().implode()

    row = both.select(
        in_both=pl.len(),
        compared=(pl.col(counter).is_not_null() & pl.col("_previous").is_not_null()).sum(),
        went_down=down.sum(),
        unchanged=same.sum(),
        down_ids=first_ids(down),
        unchanged_ids=first_ids(same),
    ).collect()
    values = row.row(0, named=True)
    return CounterChanges(
        **{k: int(values[k]) for k in ("in_both", "compared", "went_down", "unchanged")},
        down_ids=tuple(values["down_ids"]),
        unchanged_ids=tuple(values["unchanged_ids"]),
    )


def counters_going_down(
    changes: CounterChanges, *, counter: str, max_share_down: float, min_models_down: int
) -> list[RuleResult]:
    """Two results: the rows whose lifetime counter went down (a warning: the Hub corrects
    counters now and then), and whether so many went down at once that the snapshot is stale
    or broken (blocking): more than `max_share_down` of the models present in both snapshots,
    and at least `min_models_down` of them, so one correction in a tiny snapshot is not enough.
    """
    in_both, went_down = changes.compared, changes.went_down
    share = went_down / in_both if in_both else 0.0
    samples = changes.down_ids
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
    changes: CounterChanges, *, counter: str, max_share_unchanged: float
) -> RuleResult:
    """A warning when more than `max_share_unchanged` of the lifetime counters of the models in
    both snapshots did not move: the source probably did not refresh (a stale copy, in whole or
    in part). The day is kept; dbt's `int_hub__snapshot_days`, which sees each model's history,
    decides which observations carry no weight (docs/quality.md)."""
    both, still = changes.in_both, changes.unchanged
    share = still / both if both else 0.0
    stale = share > max_share_unchanged
    return RuleResult(
        rule=COUNTERS_UNCHANGED,
        passed=not stale,
        blocking=False,
        field=counter,
        unexpected_count=still if stale else 0,
        element_count=both,
        sample_ids=changes.unchanged_ids if stale else (),
        observed=f"{still} of {both} counters did not move ({share:.1%}); "
        f"above {max_share_unchanged:.0%} the day is treated as stale downstream",
    )


def row_count_collapse(
    current: pl.DataFrame, previous: pl.DataFrame, *, id_column: str, min_ratio: float
) -> RuleResult:
    """Blocking when the snapshot has fewer than `min_ratio` times the previous one's rows;
    then the models that went missing are counted and sampled (a join only such a day pays)."""
    collapsed = previous.height > 0 and current.height < min_ratio * previous.height
    missing = (
        previous.select(id_column).join(current.select(id_column), on=id_column, how="anti")
        if collapsed
        else previous.select(id_column).clear()
    )
    return RuleResult(
        rule=ROW_COUNT_COLLAPSED,
        passed=not collapsed,
        blocking=True,
        field=id_column,
        unexpected_count=missing.height,
        element_count=previous.height,
        sample_ids=tuple(missing[id_column].bottom_k(SAMPLE_SIZE).sort().to_list()),
        observed=f"{current.height} rows against {previous.height} in the previous snapshot "
        f"(the floor is {min_ratio:.0%})",
    )
