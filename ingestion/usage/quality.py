"""The quality rules of one day's OpenRouter usage rankings, and the verdict on it.

The suite runs on the parsed frame (`rankings_frame`), so a token count that is not an integer
string (`"12.5"`) never reaches it: the parse raises an InputError naming the field
(`data[3].total_tokens`), which the raw asset turns into an `unreadable_verdict`.

Blocking rules (the day is quarantined when one fails):
- the frame has the columns and types of `RANKINGS_SCHEMA`;
- the day has ended: before today (UTC), since a usage day is not final until it is over;
- at least one row; permaslugs present and unique in the day; token strings of digits only and
  their parse not negative; a usage date on every row (GX);
- every token count at most `limits.TOKENS_MAX` (10^30), so the marts' DECIMAL(38, 0) sums
  hold (the parse already refuses more than the 38 digits one row can hold);
- exactly one `other` row, at most 50 ranked rows, and every row dated the snapshot's day
  (Polars: rules on the table as a whole, or against the day asked for).
Warning (the day is accepted, the warning travels with it): ranked rows out of the documented
order (tokens descending, ties by permaslug). The figures are still OpenRouter's; only `rank`,
which is the answer's order, would disagree with them.

There is no rule against the previous day: the answer always has 51 rows (50 ranked and
`other`), so a row-count collapse cannot happen without failing the rules above.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from ingestion.quality.expectations import Rule, Suite, SuiteValidator
from ingestion.quality.limits import TOKENS_MAX, day_not_in_future, values_out_of_range
from ingestion.quality.plausible import day_after_source_start
from ingestion.quality.results import (
    SAMPLE_SIZE,
    RuleResult,
    Verdict,
    column_types_result,
)
from ingestion.usage.schema import RANKINGS_SCHEMA, RANKINGS_SOURCE

ID_COLUMN = "model_permaslug"
TOKENS_TEXT_PATTERN = r"^[0-9]+$"  # `\d` would take other scripts' digits too
MAX_RANKED = 50
ONE_OTHER_ROW = "one_other_row"
AT_MOST_50_RANKED = "at_most_50_ranked"
RANKED_BY_TOKENS = "ranked_by_tokens_descending"
DATED_THE_SNAPSHOT_DAY = "usage_date_is_snapshot_day"


def rankings_suite() -> Suite:
    # Imported here: Great Expectations takes seconds to import, and only a run that
    # validates needs it (not building the definitions, not the CLI's other commands).
    import great_expectations.expectations as gxe

    def rule(name: str, expectation: gxe.Expectation, field: str | None) -> Rule:
        return Rule(name, expectation, field, blocking=True)

    return Suite(
        name="openrouter_rankings_daily",
        id_column=ID_COLUMN,
        rules=(
            rule("not_empty", gxe.ExpectTableRowCountToBeBetween(min_value=1), None),
            rule(
                "permaslug_present", gxe.ExpectColumnValuesToNotBeNull(column=ID_COLUMN), ID_COLUMN
            ),
            rule("permaslug_unique", gxe.ExpectColumnValuesToBeUnique(column=ID_COLUMN), ID_COLUMN),
            rule(
                "total_tokens_text_integer",
                gxe.ExpectColumnValuesToMatchRegex(
                    column="total_tokens_text", regex=TOKENS_TEXT_PATTERN
                ),
                "total_tokens_text",
            ),
            rule(
                "total_tokens_non_negative",
                gxe.ExpectColumnValuesToBeBetween(column="total_tokens", min_value=0),
                "total_tokens",
            ),
            rule(
                "usage_date_present",
                gxe.ExpectColumnValuesToNotBeNull(column="usage_date"),
                "usage_date",
            ),
        ),
    )


def schema_result(frame: pl.DataFrame) -> RuleResult:
    """Blocking: every column of RANKINGS_SCHEMA is there with its declared type."""
    return column_types_result(frame.schema, RANKINGS_SCHEMA, RANKINGS_SCHEMA, rows=frame.height)


def table_results(day: dt.date, frame: pl.DataFrame) -> list[RuleResult]:
    """The rules GX does not express: counts of row kinds, the order, the day."""
    others = frame.filter(pl.col("is_other"))
    ranked = frame.filter(~pl.col("is_other")).sort("rank", nulls_last=True, maintain_order=True)
    # A ranked row is out of order when it should come before the row above it.
    out_of_order = ranked.filter(
        (pl.col("total_tokens") > pl.col("total_tokens").shift(1))
        | (
            (pl.col("total_tokens") == pl.col("total_tokens").shift(1))
            & (pl.col(ID_COLUMN) < pl.col(ID_COLUMN).shift(1))
        )
    )
    wrong_day = frame.filter(pl.col("usage_date").ne_missing(day))
    return [
        RuleResult(
            ONE_OTHER_ROW,
            passed=others.height == 1,
            blocking=True,
            field="is_other",
            unexpected_count=abs(others.height - 1),
            element_count=frame.height,
            observed=f"{others.height} `other` rows, want 1",
        ),
        RuleResult(
            AT_MOST_50_RANKED,
            passed=ranked.height <= MAX_RANKED,
            blocking=True,
            field="rank",
            unexpected_count=max(ranked.height - MAX_RANKED, 0),
            element_count=frame.height,
            sample_ids=_ids(ranked.slice(MAX_RANKED)),
            observed=f"{ranked.height} ranked rows, at most {MAX_RANKED}",
        ),
        RuleResult(
            RANKED_BY_TOKENS,
            passed=out_of_order.is_empty(),
            blocking=False,
            field="total_tokens",
            unexpected_count=out_of_order.height,
            element_count=ranked.height,
            sample_ids=_ids(out_of_order),
            observed="rows ranked below a row they should come before (more tokens, or as many "
            "and an earlier permaslug)"
            if out_of_order.height
            else "tokens descending, ties by permaslug",
        ),
        RuleResult(
            DATED_THE_SNAPSHOT_DAY,
            passed=wrong_day.is_empty(),
            blocking=True,
            field="usage_date",
            unexpected_count=wrong_day.height,
            element_count=frame.height,
            sample_ids=_ids(wrong_day),
            observed=f"dates {sorted({str(d) for d in wrong_day['usage_date']})}, want {day}"
            if wrong_day.height
            else f"every row dated {day}",
        ),
    ]


def tokens_within_range(frame: pl.DataFrame) -> RuleResult:
    """Blocking: one row's tokens at most TOKENS_MAX (see `ingestion.quality.limits`)."""
    return values_out_of_range(
        frame,
        rule="total_tokens_within_warehouse_range",
        column="total_tokens",
        id_column=ID_COLUMN,
        fits=lambda tokens: tokens <= TOKENS_MAX,
        limit=f"{TOKENS_MAX:.0e} (so the marts' DECIMAL(38, 0) sums cannot overflow)",
    )


def _ids(rows: pl.DataFrame) -> tuple[str, ...]:
    return tuple(str(slug) for slug in rows[ID_COLUMN].head(SAMPLE_SIZE))


def validate_rankings_snapshot(
    day: dt.date,
    frame: pl.DataFrame,
    *,
    location: str,
    previous: pl.DataFrame | None,
    validator: SuiteValidator,
    today: dt.date | None = None,
) -> Verdict:
    """The verdict on one day's parsed rankings. `previous` (the last accepted day's frame, or
    None) is taken for the same call shape as the other sources; no rule reads it (see above).
    `today` (UTC, injectable for tests): the day must be before it."""
    schema = schema_result(frame)
    ended = day_not_in_future(day, today=today, allow_today=False)
    if not schema.passed:  # the rules would read columns that are missing or mistyped
        return Verdict(RANKINGS_SOURCE, day, location, rows=frame.height, results=(ended, schema))
    results = [
        ended,
        schema,
        day_after_source_start(day, RANKINGS_SOURCE),
        *validator.validate(frame, rankings_suite()),
        *table_results(day, frame),
        tokens_within_range(frame),
    ]
    return Verdict(RANKINGS_SOURCE, day, location, rows=frame.height, results=tuple(results))
