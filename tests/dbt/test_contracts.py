"""What a model's contract holds, DuckDB enforces as the table is built: a row that breaks a
constraint fails that model (a red node naming it, the build's exit code non-zero), and the
table of the last good build stays as it was. These constraints replaced data tests (issue 24,
docs/notes/issue-24-fewer-nodes.md), so they are no Dagster check: this is what shows they still
stop a bad build.

`int_openrouter__authors` (primary key `author`; `developer_id` and `country` not null) reads
two seeds only, so a planted row in a seed's table is its whole input."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.layout import Layout
from tests.dbt.test_dbt_unit_tests import dbt, errors

pytestmark = pytest.mark.e2e

MODEL = "int_openrouter__authors"


def node_result(data_dir: Path, name: str) -> dict:
    results = json.loads((data_dir / "target" / "run_results.json").read_text())["results"]
    (result,) = [r for r in results if r["unique_id"] == f"model.open_model_observatory.{name}"]
    return result


def plant(data_dir: Path, sql: str) -> None:
    with duckdb.connect(str(Layout(data_dir).build_warehouse_path)) as con:
        con.execute(sql)


def authors(data_dir: Path) -> list[tuple]:
    with duckdb.connect(str(Layout(data_dir).build_warehouse_path), read_only=True) as con:
        return con.execute(f"select * from intermediate.{MODEL} order by all").fetchall()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, list[tuple]]:
    """The two seeds and the model built once, cleanly: (data dir, the model's rows)."""
    data_dir = tmp_path_factory.mktemp("contracts")
    (data_dir / "build").mkdir()
    seeded = dbt("seed", "--select", "openrouter_authors", "developer_registry", data_dir=data_dir)
    assert seeded.returncode == 0, errors(seeded)
    run = dbt("run", "--select", MODEL, data_dir=data_dir)
    assert run.returncode == 0, errors(run)
    good = authors(data_dir)
    assert good
    return data_dir, good


@pytest.mark.parametrize(
    ("planted", "message"),
    [
        # An author listed twice: the primary key (the data test it replaced: `unique`).
        (
            "insert into reference.openrouter_authors select * from reference.openrouter_authors limit 1",
            "PRIMARY KEY or UNIQUE constraint violation",
        ),
        # An author whose developer has no country in the registry: `country` not null.
        (
            "insert into reference.openrouter_authors values ('planted', 'planted_dev');"
            "insert into reference.developer_registry (hub_org, developer_id, developer_name, org_type)"
            " values ('planted-org', 'planted_dev', 'Planted', 'company')",
            f"NOT NULL constraint failed: {MODEL}",
        ),
    ],
    ids=["duplicate_key", "null_country"],
)
def test_a_row_that_breaks_the_contract_fails_the_model_and_keeps_the_last_good_table(
    built, planted, message
):
    data_dir, good = built
    plant(data_dir, planted)
    try:
        run = dbt("run", "--select", MODEL, data_dir=data_dir)
        result = node_result(data_dir, MODEL)
    finally:
        # The seeds as they were, for the next case.
        reseeded = dbt(
            "seed", "--select", "openrouter_authors", "developer_registry", data_dir=data_dir
        )
        assert reseeded.returncode == 0, errors(reseeded)

    assert run.returncode != 0
    assert result["status"] == "error"
    assert message in result["message"], result["message"]
    # dbt's own lines name the model and the constraint, as a reader of the run's output sees.
    said = errors(run)
    assert f"ERROR creating sql table model intermediate.{MODEL}" in said
    assert message in said
    # The failed build left the table of the last good one.
    assert authors(data_dir) == good
