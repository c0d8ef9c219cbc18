"""What the UI shows of each built dbt model: its columns (names and warehouse types) and, for
tables, its row count, read from the build warehouse in one connection once dbt has exited.

dagster-dbt's `fetch_row_counts().fetch_column_metadata()` does this through dbt's adapter, a
query per model on a thread pool. With DuckDB it must first wait for dbt to exit (one writer per
file), and the pool's dispatcher waits for that by polling in a loop that never sleeps: two
threads busy for the whole build (about 5 million `Future.done()` calls in a profiled one-day
run), on a 2-core machine where dbt needs those cores. Column lineage (sqlglot) is left out:
it took 15 s of a run's 17 s of fetching (docs/notes/issue-12-ui.md).
"""

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DbtCliInvocation

# Materializations whose rows are not counted: a view's count would run its query.
UNCOUNTED = frozenset({"view", "ephemeral"})
# Dagster's standard table metadata keys, which the UI shows as a model's columns and rows.
COLUMN_SCHEMA = "dagster/column_schema"
ROW_COUNT = "dagster/row_count"


def with_table_metadata(invocation: DbtCliInvocation, warehouse: Path) -> Iterator:
    """The invocation's events, once dbt has exited, each built model's carrying its columns
    and row count. A failed build still yields what it built before raising its error."""
    events: list = []
    failure: Exception | None = None
    try:
        events.extend(invocation.stream())
    except Exception as error:
        failure = error
        # Nobody reads dbt's output any more: a dbt still running would block on it for ever.
        invocation.process.terminate()
    # dbt's output ends before its process has closed the warehouse (a checkpoint on a busy
    # machine takes a while): opening it then fails on DuckDB's lock.
    invocation.process.wait()
    nodes = invocation.manifest["nodes"]
    about = [(event, _built(event, nodes)) for event in events]
    built = {unique_id: nodes[unique_id] for _, unique_id in about if unique_id}
    metadata = table_metadata(warehouse, built) if built and warehouse.exists() else {}
    for event, unique_id in about:
        extra = metadata.get(unique_id or "")
        yield event.with_metadata({**event.metadata, **extra}) if extra else event
    if failure is not None:
        raise failure


def table_metadata(
    warehouse: Path, nodes: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Column schema and (tables only) row count of each dbt node, by unique id. The schema
    carries what the table's contract holds (not null, keys, checks), which is no check."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rules, unique = _constraints(con)
        columns: dict[tuple[str, str], list[dg.TableColumn]] = {}
        for schema, table, column, data_type, nullable in con.execute(
            "select table_schema, table_name, column_name, data_type, is_nullable = 'YES'"
            " from information_schema.columns"
            " order by table_schema, table_name, ordinal_position"
        ).fetchall():
            held = dg.TableColumnConstraints(
                nullable=nullable, unique=(schema, table, column) in unique
            )
            columns.setdefault((schema, table), []).append(
                dg.TableColumn(column, data_type, constraints=held)
            )
        counted = {
            unique_id: node
            for unique_id, node in nodes.items()
            if node["config"].get("materialized") not in UNCOUNTED and _relation(node) in columns
        }
        counts = _row_counts(con, counted.items())
    result: dict[str, dict[str, Any]] = {}
    for unique_id, node in nodes.items():
        entry: dict[str, Any] = {}
        relation = _relation(node)
        if table_columns := columns.get(relation):
            held = rules.get(relation)
            entry[COLUMN_SCHEMA] = dg.TableSchema(
                columns=table_columns, constraints=dg.TableConstraints(other=held) if held else None
            )
        if unique_id in counts:
            entry[ROW_COUNT] = counts[unique_id]
        result[unique_id] = entry
    return result


def _constraints(
    con: duckdb.DuckDBPyConnection,
) -> tuple[dict[tuple[str, str], list[str]], set[tuple[str, str, str]]]:
    """Each table's keys and checks as DuckDB states them (`PRIMARY KEY(a, b)`), and the
    columns a one-column key makes unique."""
    rules: dict[tuple[str, str], list[str]] = {}
    unique: set[tuple[str, str, str]] = set()
    for schema, table, kind, text, names in con.execute(
        "select schema_name, table_name, constraint_type, constraint_text, constraint_column_names"
        " from duckdb_constraints()"
        " where constraint_type in ('PRIMARY KEY', 'UNIQUE', 'CHECK')"
        " order by schema_name, table_name, constraint_index"
    ).fetchall():
        rules.setdefault((schema, table), []).append(text)
        if kind != "CHECK" and len(names) == 1:
            unique.add((schema, table, names[0]))
    return rules, unique


def _row_counts(
    con: duckdb.DuckDBPyConnection, nodes: Iterable[tuple[str, Mapping[str, Any]]]
) -> dict[str, int]:
    """Every table's row count in one query."""
    parts = [
        f"select {_literal(unique_id)} as unique_id, count(*) as n from {node['relation_name']}"
        for unique_id, node in nodes
        if node.get("relation_name")
    ]
    if not parts:
        return {}
    return dict(con.execute(" union all ".join(parts)).fetchall())


def _relation(node: Mapping[str, Any]) -> tuple[str, str]:
    return node["schema"], node.get("alias") or node["name"]


def _built(event: Any, nodes: Mapping[str, Any]) -> str | None:
    """The unique id of the dbt node a model's event (output or materialization) is about."""
    if not isinstance(event, dg.Output | dg.AssetMaterialization):
        return None
    value = event.metadata.get("unique_id")
    unique_id = getattr(value, "text", value)
    return unique_id if unique_id in nodes else None


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
