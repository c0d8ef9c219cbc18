"""The marts of a DuckDB warehouse as the rebuild chain compares them (tests/dbt/rebuild_chain.py):
every table of the `marts` schema, rows in a stable order."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.dbt.test_spark_equivalence import normalise

# A history of the verdicts across builds, by design: a full rebuild holds each claim's current
# verdict as version 1. What must equal it is each claim's newest row, without its version.
HISTORY = "mart_claim_verdict_history"
HISTORY_ONLY = ("version", "change")

# mart -> (columns, rows in a stable order)
Marts = dict[str, tuple[list[str], list[tuple]]]


def read_marts(warehouse: Path) -> Marts:
    """Every table of the `marts` schema (each claim's newest verdict for the history)."""
    marts: Marts = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
        for (name,) in sorted(names):
            result = con.execute(f"select * from marts.{name}")
            columns = [column[0] for column in result.description]
            rows = [tuple(map(normalise, row)) for row in result.fetchall()]
            marts[name] = comparable(name, columns, rows)
    return marts


def comparable(name: str, columns: list[str], rows: list[tuple]) -> tuple[list[str], list[tuple]]:
    if name != HISTORY:
        return columns, sorted(rows, key=repr)
    claim, version = columns.index("claim_id"), columns.index("version")
    newest: dict[str, tuple] = {}
    for row in rows:
        if row[claim] not in newest or row[version] > newest[row[claim]][version]:
            newest[row[claim]] = row
    kept = [i for i, column in enumerate(columns) if column not in HISTORY_ONLY]
    return (
        [columns[i] for i in kept],
        sorted((tuple(row[i] for i in kept) for row in newest.values()), key=repr),
    )


def differing(left: Marts, right: Marts) -> dict[str, str]:
    """The marts whose rows differ, each with a few rows of each side that the other lacks."""
    found = {}
    for mart in sorted(set(left) | set(right)):
        if mart not in left or mart not in right:
            found[mart] = "only on one side"
        elif left[mart] != right[mart]:
            a, b = set(left[mart][1]), set(right[mart][1])
            found[mart] = (
                f"incremental only {sorted(a - b, key=repr)[:3]}, full only {sorted(b - a, key=repr)[:3]}"
            )
    return found
