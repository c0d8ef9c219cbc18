"""Marts published as a view over their parts, not as a file of their rows.

`mart_relative_adoption` divides each model-day by its class's cutoff at its age, and a new day
moves the cutoffs of almost every age: as one file, every row of the history would be written
again daily (70 million rows for a year of 200,000 models). It is published as the relations
its view reads in the build, each a file or a folder of monthly files
(`<mart>/<part>.parquet`, `<mart>/<part>/YYYY-MM.parquet`), and the published warehouse's
`marts.<mart>` is the build's own view SQL over them: the same rows, the same columns. A part
whose rows did not change is linked from the previous version as any mart file is; the
model-days change only in the months a rebuild reached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from orchestration.lib.marts_months import Partitioning


@dataclass(frozen=True)
class Part:
    """A build relation a composed mart's view reads; by month of `date_column` when set."""

    source: str
    date_column: str | None = None

    @property
    def name(self) -> str:
        return self.source.split(".")[1]

    def partitioning(self) -> Partitioning | None:
        # The months holding rows derived since the last publish (the table's `derived_at`, left
        # out of the files) are hashed again, only changed ones written.
        return (
            Partitioning(self.date_column, self.source, "derived_at") if self.date_column else None
        )


COMPOSED = {
    "mart_relative_adoption": (
        Part("intermediate.int_adoption__model_ages", "snapshot_date"),
        Part("intermediate.int_adoption__relative_cutoffs"),
        Part("intermediate.int_openrouter__usage"),
    ),
}

PLACEHOLDER = "{{part:{name}}}"


def view_template(con: duckdb.DuckDBPyConnection, mart: str, parts: tuple[Part, ...]) -> str:
    """The build's view SQL of `mart` (its select), each part named by a placeholder."""
    found = con.execute(
        "select sql from duckdb_views() where schema_name = 'marts' and view_name = ?", [mart]
    ).fetchone()
    if found is None:
        raise RuntimeError(f"marts.{mart} is no view in the build: it is published as a view")
    body = re.sub(r"^\s*create\s+(?:or\s+replace\s+)?view\s+\S+\s+as\s+", "", found[0], flags=re.I)
    body = body.rstrip().removesuffix(";")
    for part in parts:
        schema, table = part.source.split(".")
        reference = rf'(?<![\w."])(?:"?[\w$]+"?\.)?"?{schema}"?\."?{table}"?(?![\w"])'
        body, count = re.subn(reference, PLACEHOLDER.format(name=part.name), body)
        if not count:
            raise RuntimeError(f"marts.{mart} does not read {part.source}: check COMPOSED")
    return body


def view_sql(template: str, files: dict[str, str]) -> str:
    """The template with each part read from its files (`part name -> glob`)."""
    for name, glob in files.items():
        path = "'" + glob.replace("'", "''") + "'"
        template = template.replace(PLACEHOLDER.format(name=name), f"read_parquet({path})")
    return template
