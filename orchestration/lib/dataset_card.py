"""The dataset card (`README.md`) of the published marts, written from dbt's docs.

Every table of schema `marts` gets its description and a table of its columns (type and
description) from dbt's manifest, its row count, and, where it rests on OpenRouter's rankings
(a `source_citation` column), the citation OpenRouter's licence (CC BY 4.0) asks for. The card
also states the method, the coverage (the days each source covers), the Observatory commit and
the run date. Nothing in it depends on when it is written: the same marts, code and run give
the same bytes, so a second publish of them finds nothing changed.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

METHOD = """\
Daily snapshots of the Hugging Face Hub (lifetime download counters of the tracked
organisations' models, and a catalog export for lineage and parameter counts), OpenRouter's
model list (prices) and its daily usage rankings (the top 50 by tokens and an `other` row), are
stored as fetched, checked by a quality gate, and modelled with dbt on DuckDB. Daily downloads
are the differences of the lifetime counter, spread evenly over gaps; stale snapshots are not
observations. Countries are those of the organisation that made a model (a developer registry),
with an `unattributed` bucket. Published claims are judged under their own definition and the
nearest alternatives. Every rule is in the Observatory's dbt project, with its tests."""


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: list[tuple[str, str, str]]  # name, type, description
    rows: int
    citation: str | None


def mart_docs(manifest: Path) -> dict[str, dict]:
    """dbt's nodes of schema `marts` by name, from the manifest (descriptions rendered)."""
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return {
        node["name"]: node
        for node in nodes
        if node["resource_type"] == "model" and node["schema"].endswith("marts")
    }


def describe_tables(warehouse: Path, manifest: Path) -> list[Table]:
    docs = mart_docs(manifest)
    tables = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [
            n
            for (n,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by table_name"
            ).fetchall()
        ]
        for name in names:
            node = docs.get(name, {"description": "", "columns": {}})
            types = con.execute(f'describe marts."{name}"').fetchall()
            columns = [
                (column, kind, node["columns"].get(column, {}).get("description", ""))
                for column, kind, *_ in types
            ]
            (rows,) = con.execute(f'select count(*) from marts."{name}"').fetchone()
            citation = None
            if any(column == "source_citation" for column, *_ in types):
                (citation,) = con.execute(
                    f'select max(source_citation) from marts."{name}"'
                ).fetchone()
            tables.append(Table(name, node["description"], columns, rows, citation))
    return tables


def coverage(warehouse: Path) -> list[str]:
    """The days each source covers, from the marts."""
    queries = {
        "Hub snapshot days": "select min(snapshot_date), max(snapshot_date), count(*) "
        "from marts.mart_hub_snapshot_days",
        "OpenRouter ranked days": "select min(period_start), max(period_start), count(*) "
        "from marts.mart_api_usage_share where period_grain = 'day' and country = 'outside_top_50'",
    }
    lines = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for label, sql in queries.items():
            first, last, days = con.execute(sql).fetchone()
            lines.append(f"- {label}: {days} ({first} to {last})" if days else f"- {label}: none")
    return lines


def cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render_card(
    tables: list[Table], coverage_lines: list[str], commit: str, run_date: dt.date
) -> str:
    configs = "".join(
        f"- config_name: {t.name}\n  data_files: data/{t.name}.parquet\n" for t in tables
    )
    parts = [
        "---\nlicense: cc-by-4.0\npretty_name: Open Model Observatory marts\n"
        f"tags:\n- open-models\n- observatory\nconfigs:\n{configs}---\n",
        "# Open Model Observatory: the marts\n",
        f"Run date: {run_date.isoformat()}. Observatory commit: `{commit}`.\n",
        "## Method\n",
        METHOD + "\n",
        "## Coverage\n",
        "\n".join(coverage_lines) + "\n",
        "## Tables\n",
    ]
    for table in tables:
        parts.append(f"### {table.name}\n")
        parts.append(f"{cell(table.description)}\n\nRows: {table.rows:,}.\n")
        if table.citation:
            parts.append(
                f"Usage data: {table.citation}. Licensed CC BY 4.0 by OpenRouter; cite it so.\n"
            )
        parts.append("| column | type | description |\n|---|---|---|")
        parts.append(
            "\n".join(f"| {name} | {kind} | {cell(text)} |" for name, kind, text in table.columns)
            + "\n"
        )
    return "\n".join(parts)
