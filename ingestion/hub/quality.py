"""The Hub snapshot's quality rules, and the verdict on one day's snapshot.

Blocking rules (the snapshot is quarantined when one fails):
- it could be read and conformed: required columns present, every value of the declared type;
- at least one row; ids present, unique in the snapshot and shaped `org/name`;
- the snapshot's day is not after today (UTC; a snapshot of today is allowed);
- counters (`downloads`, `downloadsAllTime`, `likes`) non-negative; `downloads` (30 days) not
  above `downloadsAllTime` where both exist; `createdAt` not before the Hub's floor;
- every counter of `COUNTERS` at most `limits.COUNTER_MAX`, so the marts' BIGINT sums hold;
- `trendingScore` a number where set (no NaN, no infinity);
- the day can be the file's: not before the Hub's migration, no model created after it
  (`ingestion.quality.plausible`: a misdated copy of a real day);
- against the previous accepted snapshot: not fewer than `MIN_ROW_RATIO` of its rows, and not
  more than `MAX_SHARE_DOWN` of the models present in both with a lifetime counter that went
  down. Both thresholds are argued in docs/quality.md.
Warnings (the snapshot is accepted and they are reported): a few counters going down (a Hub
correction, flagged downstream as `is_counter_correction`), schema drift (extra or missing
optional columns), rows without a lifetime counter, orgs not in the developer registry.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from ingestion.conform import ConformReport
from ingestion.hub.schema import HUB_SOURCE
from ingestion.quality.counters import (
    counter_changes,
    counters_going_down,
    counters_unchanged,
    row_count_collapse,
)
from ingestion.quality.expectations import SPACE, Rule, Suite, SuiteValidator
from ingestion.quality.limits import counter_within_range, day_not_in_future
from ingestion.quality.plausible import created_by_snapshot_day, day_after_source_start
from ingestion.quality.results import READABLE as READABLE  # re-exported: shared by sources
from ingestion.quality.results import SAMPLE_SIZE, RuleResult, Verdict
from ingestion.quality.results import unreadable_verdict as unreadable_verdict

# The Hub's migration date: no repository was created earlier (see API_NOTES.md).
HUB_CREATED_AT_FLOOR = dt.datetime(2022, 3, 2, tzinfo=dt.UTC)
# Real Hub corrections touch a handful of models (3 of 364 on 2026-06-15, 0.8%); a stale or
# replayed snapshot sends down nearly every model downloaded since (>90% on a normal day).
MAX_SHARE_DOWN = 0.05
MIN_MODELS_DOWN = 5
# The real recorded days never shrink by more than 2.5%; losing a fifth means a truncated export or
# a lost org (Qwen alone is a quarter of the tracked models).
MIN_ROW_RATIO = 0.8
# Normal real days leave under 7 % of the counters unchanged, stale copies 27 % or more: the
# same threshold as dbt's `stale_unchanged_share` (docs/quality.md).
MAX_SHARE_UNCHANGED = 0.2
# `org/name`, neither part empty nor holding `/` or whitespace (`SPACE`: Python's `\s`, in a form
# pandas hands to RE2).
ID_PATTERN = f"^[^/{SPACE}]+/[^/{SPACE}]+$"
# The counters the marts sum (limits.COUNTER_MAX argues their bound).
COUNTERS = ("downloads", "downloadsAllTime", "likes", "childrenModelCount")

SCHEMA_DRIFT = "schema_drift"
ORG_IN_REGISTRY = "org_in_registry"
TRENDING_SCORE_FINITE = "trending_score_finite"


def hub_snapshot_suite() -> Suite:
    # Imported here: Great Expectations takes seconds to import, and only a run that
    # validates needs it (not building the definitions, not the CLI's other commands).
    import great_expectations.expectations as gxe

    def rule(name: str, expectation: gxe.Expectation, field: str | None, blocking=True) -> Rule:
        return Rule(name, expectation, field, blocking)

    return Suite(
        name="hub_model_snapshot",
        id_column="id",
        rules=(
            rule("not_empty", gxe.ExpectTableRowCountToBeBetween(min_value=1), None),
            rule("id_present", gxe.ExpectColumnValuesToNotBeNull(column="id"), "id"),
            rule("id_unique", gxe.ExpectColumnValuesToBeUnique(column="id"), "id"),
            rule(
                "id_well_formed",
                gxe.ExpectColumnValuesToMatchRegex(column="id", regex=ID_PATTERN),
                "id",
            ),
            rule(
                "downloads_all_time_present",
                gxe.ExpectColumnValuesToNotBeNull(column="downloadsAllTime"),
                "downloadsAllTime",
                blocking=False,
            ),
            *(
                rule(
                    f"{column}_non_negative",
                    gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0),
                    column,
                )
                for column in ("downloadsAllTime", "downloads", "likes")
            ),
            rule(
                "downloads_within_all_time",
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="downloadsAllTime",
                    column_B="downloads",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
                "downloads",
            ),
            rule(
                "created_at_after_hub_floor",
                gxe.ExpectColumnValuesToBeBetween(
                    column="createdAt", min_value=HUB_CREATED_AT_FLOOR
                ),
                "createdAt",
            ),
        ),
    )


def validate_hub_snapshot(
    day: dt.date,
    frame: pl.DataFrame,
    *,
    location: str,
    report: ConformReport,
    previous: pl.DataFrame | None,
    validator: SuiteValidator,
    today: dt.date | None = None,
) -> Verdict:
    """The verdict on one day's snapshot; `today` (UTC, injectable for tests) bounds its day."""
    results = [
        day_not_in_future(day, today=today, allow_today=True),
        day_after_source_start(day, HUB_SOURCE),
        created_by_snapshot_day(frame, day, column="createdAt", id_column="id"),
        *validator.validate(frame, hub_snapshot_suite()),
        *(counter_within_range(frame, column, id_column="id") for column in COUNTERS),
        trending_score_finite(frame),
    ]
    # Optional columns missing are normal (the real recordings lack several); a column we
    # do not know is drift worth a warning: the source changed its layout.
    results.append(
        RuleResult(
            SCHEMA_DRIFT,
            passed=not report.extra_columns,
            blocking=False,
            field=", ".join(report.extra_columns) or None,
            unexpected_count=len(report.extra_columns),
            element_count=frame.height,
            observed=f"missing columns (now nulls): {', '.join(report.missing_columns) or 'none'}"
            f"; extra columns (dropped): {', '.join(report.extra_columns) or 'none'}",
        )
    )
    if previous is not None and frame.height > 0:
        changes = counter_changes(frame, previous, id_column="id", counter="downloadsAllTime")
        results.extend(
            counters_going_down(
                changes,
                counter="downloadsAllTime",
                max_share_down=MAX_SHARE_DOWN,
                min_models_down=MIN_MODELS_DOWN,
            )
        )
        results.append(
            counters_unchanged(
                changes, counter="downloadsAllTime", max_share_unchanged=MAX_SHARE_UNCHANGED
            )
        )
        results.append(row_count_collapse(frame, previous, id_column="id", min_ratio=MIN_ROW_RATIO))
    return Verdict(HUB_SOURCE, day, location, rows=frame.height, results=tuple(results))


def trending_score_finite(frame: pl.DataFrame) -> RuleResult:
    """Blocking: `trendingScore` is a number where it is set. NaN or infinity is no score the
    Hub computes (the live parse refuses them too): the file is damaged, not the day odd."""
    bad = frame.select("id", "trendingScore").filter(
        pl.col("trendingScore").is_nan() | pl.col("trendingScore").is_infinite()
    )
    return RuleResult(
        TRENDING_SCORE_FINITE,
        passed=bad.height == 0,
        blocking=True,
        field="trendingScore",
        unexpected_count=bad.height,
        element_count=frame.height,
        sample_ids=tuple(
            f"{model}={score}" for model, score in bad.sort("id").head(SAMPLE_SIZE).iter_rows()
        ),
        observed=f"{bad.height} scores are NaN or infinite",
    )


def unattributed_orgs(frame: pl.DataFrame, registry_orgs: set[str]) -> RuleResult:
    """A warning naming the orgs of a snapshot that the developer registry does not know:
    their models are kept and counted as `unattributed` in the marts."""
    orgs = frame.select(
        "id", pl.coalesce("author", pl.col("id").str.split("/").list.first()).alias("org")
    ).filter(~pl.col("org").is_in(sorted(registry_orgs)))
    names = sorted(orgs["org"].drop_nulls().unique().to_list())
    return RuleResult(
        ORG_IN_REGISTRY,
        passed=orgs.height == 0,
        blocking=False,
        field="author",
        unexpected_count=orgs.height,
        element_count=frame.height,
        sample_ids=tuple(orgs.sort("id")["id"].head(SAMPLE_SIZE).to_list()),
        observed=f"orgs not in the developer registry: {', '.join(names) or 'none'}",
    )
