"""The columns and row counts attached to built dbt models, read from the warehouse file."""

import subprocess
import sys
import threading

import duckdb

from orchestration.defs.dbt.metadata import (
    COLUMN_SCHEMA,
    ROW_COUNT,
    table_metadata,
    with_table_metadata,
)


def node(name: str, materialized: str, schema: str = "marts") -> dict:
    return {
        "name": name,
        "alias": name,
        "schema": schema,
        "config": {"materialized": materialized},
        "relation_name": f'"warehouse"."{schema}"."{name}"',
    }


def test_tables_carry_columns_and_row_counts_and_views_only_columns(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.share (day date, country varchar, share decimal(9, 6))")
        con.execute(
            "insert into marts.share values ('2026-07-01', 'CN', 0.5), ('2026-07-01', 'US', 0.5)"
        )
        con.execute("insert into marts.share values ('2026-07-02', 'CN', 0.6)")
        con.execute(
            "create view marts.share_cn as select day, share from marts.share where country = 'CN'"
        )
        con.execute("create table marts.empty (id integer)")
    nodes = {
        "model.p.share": node("share", "table"),
        "model.p.share_cn": node("share_cn", "view"),
        "model.p.empty": node("empty", "incremental"),
        "model.p.gone": node("gone", "table"),
    }

    metadata = table_metadata(path, nodes)

    share = metadata["model.p.share"]
    assert share[ROW_COUNT] == 3
    assert [(c.name, c.type) for c in share[COLUMN_SCHEMA].columns] == [
        ("day", "DATE"),
        ("country", "VARCHAR"),
        ("share", "DECIMAL(9,6)"),
    ]
    view = metadata["model.p.share_cn"]
    assert ROW_COUNT not in view
    assert [c.name for c in view[COLUMN_SCHEMA].columns] == ["day", "share"]
    assert metadata["model.p.empty"][ROW_COUNT] == 0
    # A node dbt did not build (no relation in the file) gets nothing rather than failing the run.
    assert metadata["model.p.gone"] == {}


def test_the_column_schema_says_what_the_contract_holds(tmp_path):
    # The rules a contract moved out of the data tests are no check in the UI: the columns say
    # them (not null, unique) and the table its keys and checks, as DuckDB holds them.
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema intermediate")
        con.execute(
            "create table intermediate.authors (author varchar not null primary key,"
            " country varchar, tokens bigint check (tokens >= 0))"
        )
        con.execute(
            "create table intermediate.days (snapshot_date date not null, model_id varchar not null,"
            " primary key (snapshot_date, model_id))"
        )
    nodes = {
        "model.p.authors": node("authors", "table", "intermediate"),
        "model.p.days": node("days", "table", "intermediate"),
    }

    metadata = table_metadata(path, nodes)

    authors = metadata["model.p.authors"][COLUMN_SCHEMA]
    held = {c.name: (c.constraints.nullable, c.constraints.unique) for c in authors.columns}
    assert held == {"author": (False, True), "country": (True, False), "tokens": (True, False)}
    assert authors.constraints.other == ["PRIMARY KEY(author)", "CHECK((tokens >= 0))"]
    days = metadata["model.p.days"][COLUMN_SCHEMA]
    # A key of two columns makes neither unique on its own.
    assert [c.constraints.unique for c in days.columns] == [False, False]
    assert days.constraints.other == ["PRIMARY KEY(snapshot_date, model_id)"]


class BrokenStream:
    """What the step holds of a dbt invocation whose event stream failed (in the case seen, a
    stale manifest) while dbt goes on writing its output: a real process on a pipe nobody reads."""

    def __init__(self) -> None:
        self.manifest = {"nodes": {}}
        writer = (
            "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n    sys.stdout.flush()"
        )
        self.process = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE)

    def stream(self):
        yield from ()
        raise KeyError("model.p.unknown")


def test_a_failed_event_stream_stops_dbt_and_fails_the_step_instead_of_hanging(tmp_path):
    invocation = BrokenStream()
    outcome: list[BaseException] = []

    def step() -> None:
        try:
            list(with_table_metadata(invocation, tmp_path / "warehouse.duckdb"))
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=step, daemon=True)
    thread.start()
    thread.join(timeout=60)
    alive = thread.is_alive()
    if alive:
        invocation.process.kill()  # let the blocked wait end; the test has failed already
    assert not alive, "the step waited for a dbt blocked on its full output pipe"
    assert [type(error) for error in outcome] == [KeyError]
    assert invocation.process.returncode is not None
