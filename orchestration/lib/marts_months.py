"""The daily fact published by month: which months a publish must look at again.

A mart of `PARTITIONED` is a folder of one file per month of its date column,
`<mart>/YYYY-MM.parquet`. Hashing every month would scan the whole history on every run, so
the months are hashed only from the first day the build re-derived since the last publish: the
rows of the `source` table carry the dbt invocation that wrote them (`derived_at`), which shows
a rebuild window, a gap that reaches back into an earlier month, a failed run's rows (newer
than the last publish) and a full rebuild (every row new). An older month is taken as it was
unless its row count moved (a gap deleted with a day evicted from the raw layer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class Partitioning:
    """A mart published by month of `date_column`; `source` is the build table whose rows carry
    when they were derived (`stamp`)."""

    date_column: str
    source: str
    stamp: str


PARTITIONED = {
    "fct_model_downloads_daily": Partitioning(
        "download_date", "intermediate.int_hub__model_downloads_daily", "derived_at"
    ),
}

# What a row hashes to, order-free: the count and the sum of DuckDB's row hashes.
FINGERPRINT = "count(*), coalesce(sum(hash({columns})::hugeint), 0)::varchar"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def month_bounds(month: str) -> str:
    """The `where` clause of one month's rows."""
    first = dt.date.fromisoformat(month + "-01")
    after = (first + dt.timedelta(days=32)).replace(day=1)
    return f"where {{day}} >= DATE '{first}' and {{day}} < DATE '{after}'"


def months(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    columns: list[str],
    part: Partitioning,
    before: dict | None,
) -> tuple[dict[str, tuple[list, str]], str | None]:
    """Each month of `relation` (`YYYY-MM`): its fingerprint (hashed again, or the previous
    version's, `before`) and its rows' `where`; and the newest derivation stamp now."""
    day = quoted(part.date_column)
    counts: dict[str, int] = {}  # grouped by day, not by a function of every row
    for date, rows in con.execute(f"select {day}, count(*) from {relation} group by 1").fetchall():
        counts[f"{date:%Y-%m}"] = counts.get(f"{date:%Y-%m}", 0) + rows
    bound, stamp = changed_from(con, part, before)
    known = {name.rsplit("/", 1)[-1][:7]: f for name, f in (before or {}).get("files", {}).items()}
    check = sorted(
        m
        for m, rows in counts.items()
        if bound is None or m >= bound or known.get(m, [None])[0] != rows
    )
    fingerprints = {}
    if check:
        hashed = FINGERPRINT.format(columns=", ".join(quoted(c) for c in columns))
        fingerprints = {
            m: [rows, digest]
            for m, rows, digest in con.execute(
                f"select strftime(date_trunc('month', {day}), '%Y-%m'), {hashed} "
                f"from {relation} where {day} >= ? group by 1",
                [dt.date.fromisoformat(check[0] + "-01")],
            ).fetchall()
        }
    found = {
        m: (fingerprints.get(m) or known[m], month_bounds(m).format(day=day))
        for m in sorted(counts)
    }
    return found, stamp


def changed_from(
    con: duckdb.DuckDBPyConnection, part: Partitioning, before: dict | None
) -> tuple[str | None, str | None]:
    """The first month holding a row derived since the previous version (None: every month,
    there is no previous one to go by), and the newest derivation stamp now."""
    schema, table = part.source.split(".")
    found = con.execute(
        "select count(*) from duckdb_columns() where schema_name = ? and table_name = ? "
        "and column_name in (?, ?)",
        [schema, table, part.stamp, part.date_column],
    ).fetchone()
    if not found or found[0] != 2:
        return None, None
    source, stamp, day = part.source, quoted(part.stamp), quoted(part.date_column)
    since = before.get("derived_until") if before else None
    if since is None:
        (newest,) = con.execute(f"select max({stamp})::varchar from {source}").fetchone()
        return None, newest
    first, newest = con.execute(
        f"select strftime(min({day}), '%Y-%m'), max({stamp})::varchar from {source} "
        f"where {stamp} > ?::timestamp",
        [since],
    ).fetchone()
    return (first or "9999-12"), (newest or since)
