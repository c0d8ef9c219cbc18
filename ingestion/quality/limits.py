"""What the warehouse can hold and what can be true: the gate's limits, declared once.

A value the warehouse cannot hold must be refused at the gate, where the file and the field can
be named, and not in a dbt model two layers later, where a bad day already sits in the
append-only raw layer and blocks every later run (issue 11). Each limit below is argued from
the dbt model that would break; docs/quality.md ("Limits of the warehouse") repeats the table.

- Counters (`downloads`, `downloadsAllTime`, `likes`, `childrenModelCount`): the staging
  models keep them BIGINT (int64), and `mart_adoption` sums them per developer and month
  (`downloads`, `downloads_all_time`) and over months (`cumulative_downloads`), casting each
  sum back to BIGINT. A per-model bound of 10^12 (the largest real lifetime counter is 1.2e9,
  2026-05-21) keeps any developer's sum within BIGINT for up to 9.2 million models, four times
  the whole Hub; the int64 maximum itself would overflow the first sum of two models.
- Prices: `input_usd_per_mtok`, `output_usd_per_mtok` are DECIMAL(38, 18) in the raw layer and
  in staging (`PRICE_DTYPE`): a per-token string fits when its value in USD per million
  tokens has at most 20 integer digits and at most 18 fractional digits that are not zeros.
  Polars would silently null the first and round the second; the gate refuses both instead.
- Tokens (`total_tokens`, DECIMAL(38, 0)): the parse already refuses more than 38 digits;
  `int_openrouter__usage` and `mart_api_usage_share` sum a day's, week's and month's rows in
  DECIMAL(38, 0), so one row is bounded at 10^30 (the real `other` row has 13 digits): up to
  10^8 rows (5,000 years of 51-row days) sum within 38 digits.
- Days: no snapshot can be of a day after today (UTC). A live Hub or price list of today is
  taken today, so today is allowed for them; a usage day is final only once it has ended, so
  the rankings refuse today too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import polars as pl

from ingestion.quality.results import SAMPLE_SIZE, RuleResult

INT64_MAX = 2**63 - 1  # BIGINT, what staging keeps and `mart_adoption` casts its sums to
COUNTER_MAX = 10**12
TOKENS_MAX = 10**30

SNAPSHOT_NOT_IN_FUTURE = "snapshot_day_not_after_today"
DAY_FIELD = "snapshot_date"


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def day_not_in_future(day: dt.date, *, today: dt.date | None, allow_today: bool) -> RuleResult:
    """Blocking: a snapshot's day has happened (or, with `allow_today`, is today) in UTC.
    `today` is injectable for tests; None means the real UTC date."""
    today = today or utc_today()
    latest = today if allow_today else today - dt.timedelta(days=1)
    future = day > latest
    allowed = "today or earlier" if allow_today else "before today (today is not final)"
    return RuleResult(
        SNAPSHOT_NOT_IN_FUTURE,
        passed=not future,
        blocking=True,
        field=DAY_FIELD,
        unexpected_count=int(future),
        sample_ids=(day.isoformat(),) if future else (),
        observed=f"snapshot of {day}, today is {today} (UTC); a day must be {allowed}",
    )


def fits_decimal(value: Decimal, precision: int, scale: int) -> bool:
    """Whether `value` is held exactly by DECIMAL(precision, scale): at most
    `precision - scale` integer digits and `scale` fractional digits once trailing zeros go."""
    if not value.is_finite():
        return False
    # By hand: `normalize()` would round to the decimal context's 28 digits first.
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    significant = len(digits)
    while significant > 1 and digits[significant - 1] == 0:
        significant -= 1
        exponent += 1
    fractional = max(0, -exponent)
    integer = max(0, significant + exponent) if any(digits) else 0
    return fractional <= scale and integer <= precision - scale


def values_out_of_range(
    frame: pl.DataFrame,
    *,
    rule: str,
    column: str,
    id_column: str,
    fits: Callable[[Any], bool],
    limit: str,
    candidates: pl.Expr | None = None,
) -> RuleResult:
    """Blocking: every non-null value of `column` `fits`. The sample names the ids of the rows
    that do not, each with its value as it came (`id=value`). `candidates`, when given, is a
    vectorised filter that keeps at least every row that does not fit, so `fits` (a Python call
    per row: 2,000,000 rows took ~10 s a counter) only sees those."""
    selected = frame.select(id_column, column).drop_nulls(column)
    if candidates is not None:
        selected = selected.filter(candidates)
    rows = selected.iter_rows()
    bad = sorted((str(row_id), value) for row_id, value in rows if not fits(value))
    return RuleResult(
        rule,
        passed=not bad,
        blocking=True,
        field=column,
        unexpected_count=len(bad),
        element_count=frame.height,
        sample_ids=tuple(f"{row_id}={value}" for row_id, value in bad[:SAMPLE_SIZE]),
        observed=f"{len(bad)} values beyond {limit}" if bad else f"every value within {limit}",
    )


def counter_within_range(frame: pl.DataFrame, column: str, *, id_column: str) -> RuleResult:
    """Blocking: a counter at most COUNTER_MAX (see the module: `mart_adoption`'s sums)."""
    dtype = frame.schema.get(column)
    return values_out_of_range(
        frame,
        rule=f"{column}_within_warehouse_range",
        column=column,
        id_column=id_column,
        fits=lambda value: value <= COUNTER_MAX,
        limit=f"{COUNTER_MAX:.0e} (so the marts' BIGINT sums cannot overflow)",
        # Integers compare exactly in Polars; any other type goes through `fits` row by row.
        candidates=pl.col(column) > COUNTER_MAX
        if dtype is not None and dtype.is_integer()
        else None,
    )
