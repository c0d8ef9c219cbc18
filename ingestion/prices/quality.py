"""The OpenRouter price snapshot's quality rules, and the verdict on one day's `/models` answer.

The suite runs on the parsed frame (`models_frame`), so a price that is not a decimal at all
(`"abc"`) never reaches it: parsing raises an InputError naming the source, the file and the
field (`data[12].pricing.prompt`), and the raw asset turns it into an `unreadable_verdict`.

Blocking rules (the snapshot is quarantined when one fails):
- the frame has the declared columns and types (`OPENROUTER_MODELS_SCHEMA`);
- the snapshot's day is not after today (UTC; a price list of today is allowed);
- at least one model; ids present, unique in the snapshot (the full id, `:variant` included)
  and shaped `author/slug` with an optional `:variant`;
- prompt and completion price strings are a non-negative decimal or the sentinel `-1`, their
  parse in USD per million tokens is not negative, and the price status is a known one;
- each price string's value per million tokens fits `PRICE_DTYPE`, DECIMAL(38, 18), exactly
  (`ingestion.quality.limits`): the parse leaves it null rather than rounding or overflowing;
- against the previous accepted snapshot: not fewer than `MIN_ROW_RATIO` of its models
  (argued in docs/quality.md).
Warnings (the snapshot is accepted and they are reported): models whose price is the `-1`
sentinel (`unknown`: routers whose price depends on the model they pick).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from ingestion.prices.parse import price_text_fits
from ingestion.prices.schema import OPENROUTER_MODELS_SCHEMA, OPENROUTER_SOURCE
from ingestion.quality.counters import row_count_collapse
from ingestion.quality.expectations import Rule, Suite, SuiteValidator
from ingestion.quality.limits import day_not_in_future, values_out_of_range
from ingestion.quality.plausible import created_by_snapshot_day, day_after_source_start
from ingestion.quality.results import RuleResult, Verdict, column_types_result

ID_COLUMN = "openrouter_id"
# `author/slug`, optionally `:variant` (`:free`, `:batch`, ...), as pricing.split_variant reads it.
ID_PATTERN = r"^[^/\s:]+/[^/\s:]+(?::[a-z0-9][a-z0-9_-]*)?$"
# A list price is a non-negative decimal string (scientific notation included, as OpenRouter
# sometimes sends: "5e-09"), or `-1`: OpenRouter's "unknown" sentinel.
PRICE_STRING_PATTERN = r"^(?:\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|-1)$"
PRICE_STATUSES = ("priced", "free", "unknown")
# 150 of the 549 models of 2026-08-19 (27 %) output something other than text: a request that
# lost `output_modalities=all` (the default list is text-only) or a page lost in pagination
# shrinks the list by a fifth or more; models are retired a few at a time.
MIN_ROW_RATIO = 0.8
REQUIRED_COLUMNS = (
    ID_COLUMN,
    "prompt_price",
    "completion_price",
    "input_usd_per_mtok",
    "output_usd_per_mtok",
    "price_status",
)
UNKNOWN_PRICE = "price_unknown_sentinel"
PRICE_TEXT_COLUMNS = ("prompt_price", "completion_price")


def prices_fit_results(frame: pl.DataFrame) -> list[RuleResult]:
    """Blocking: every price string fits DECIMAL(38, 18) once per million tokens."""
    return [
        values_out_of_range(
            frame,
            rule=f"{column}_fits_decimal",
            column=column,
            id_column=ID_COLUMN,
            fits=price_text_fits,
            limit="DECIMAL(38, 18) per million tokens (20 integer, 18 fractional digits)",
        )
        for column in PRICE_TEXT_COLUMNS
    ]


def price_snapshot_suite() -> Suite:
    # Imported here: Great Expectations takes seconds to import, and only a run that
    # validates needs it (not building the definitions, not the CLI's other commands).
    import great_expectations.expectations as gxe

    def rule(name: str, expectation: gxe.Expectation, field: str | None, blocking=True) -> Rule:
        return Rule(name, expectation, field, blocking)

    return Suite(
        name="openrouter_models_snapshot",
        id_column=ID_COLUMN,
        rules=(
            rule("not_empty", gxe.ExpectTableRowCountToBeBetween(min_value=1), None),
            rule("id_present", gxe.ExpectColumnValuesToNotBeNull(column=ID_COLUMN), ID_COLUMN),
            rule("id_unique", gxe.ExpectColumnValuesToBeUnique(column=ID_COLUMN), ID_COLUMN),
            rule(
                "id_well_formed",
                gxe.ExpectColumnValuesToMatchRegex(column=ID_COLUMN, regex=ID_PATTERN),
                ID_COLUMN,
            ),
            *(
                rule(
                    f"{column}_decimal_or_sentinel",
                    gxe.ExpectColumnValuesToMatchRegex(column=column, regex=PRICE_STRING_PATTERN),
                    column,
                )
                for column in ("prompt_price", "completion_price")
            ),
            *(
                rule(
                    f"{column}_non_negative",
                    gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0),
                    column,
                )
                for column in ("input_usd_per_mtok", "output_usd_per_mtok")
            ),
            rule(
                "price_status_known",
                gxe.ExpectColumnValuesToBeInSet(column="price_status", value_set=PRICE_STATUSES),
                "price_status",
            ),
            rule(
                UNKNOWN_PRICE,
                gxe.ExpectColumnValuesToNotBeInSet(column="price_status", value_set=["unknown"]),
                "price_status",
                blocking=False,
            ),
        ),
    )


def schema_result(frame: pl.DataFrame) -> RuleResult:
    """Blocking: every required column is there with its declared type."""
    return column_types_result(
        frame.schema, OPENROUTER_MODELS_SCHEMA, REQUIRED_COLUMNS, rows=frame.height
    )


def validate_price_snapshot(
    day: dt.date,
    frame: pl.DataFrame,
    *,
    location: str,
    previous: pl.DataFrame | None,
    validator: SuiteValidator,
    today: dt.date | None = None,
) -> Verdict:
    """The verdict on one day's parsed price list; `previous` is the last accepted day's
    (at least its `openrouter_id` column), or None when there is none; `today` (UTC,
    injectable for tests) bounds the day."""
    schema = schema_result(frame)
    future = day_not_in_future(day, today=today, allow_today=True)
    if not schema.passed:  # the suite would read columns that are missing or mistyped
        return Verdict(
            OPENROUTER_SOURCE, day, location, rows=frame.height, results=(future, schema)
        )
    results = [
        future,
        schema,
        day_after_source_start(day, OPENROUTER_SOURCE),
        created_by_snapshot_day(frame, day, column="created_at", id_column=ID_COLUMN),
        *validator.validate(frame, price_snapshot_suite()),
        *prices_fit_results(frame),
    ]
    if previous is not None and frame.height > 0:
        results.append(
            row_count_collapse(frame, previous, id_column=ID_COLUMN, min_ratio=MIN_ROW_RATIO)
        )
    return Verdict(OPENROUTER_SOURCE, day, location, rows=frame.height, results=tuple(results))
