"""The files of one published version of the marts, written from the build or linked from the
version before (`orchestration.lib.warehouse` publishes them).

Each mart is `<mart>.parquet`, rows in a stable order (`order by all`: the same rows give the
same bytes); a mart of `PARTITIONED` is a folder of one file per month, `<mart>/YYYY-MM.parquet`
(`<mart>/empty.parquet` when it has no rows; `orchestration.lib.marts_months`); a mart of
`COMPOSED` is the files of the relations its view reads, and that view's SQL
(`orchestration.lib.marts_composed`). The manifest
`_published.json` records, per file, its rows and a hash of them (the sum of DuckDB's row
hashes, order-free), and per mart its description and its columns' (the published warehouse's
comments come from here).

A file whose rows hash as the previous version's is hard-linked from it, not written: what did
not change keeps its inode and its mtime. A manifest of another format or DuckDB version (whose
hash may differ) counts as no previous version: every file is written.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingestion.atomic import published_mode
from orchestration.lib.marts_composed import COMPOSED, Part, view_template
from orchestration.lib.marts_months import FINGERPRINT, PARTITIONED, months, quoted

MARTS_SCHEMA = "marts"
MANIFEST_FILE = "_published.json"
FORMAT = 2
EMPTY = "empty"


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def read_manifest(version: Path) -> dict | None:
    """The manifest of `version`, or None when there is none this code can build on."""
    try:
        manifest = json.loads((version / MANIFEST_FILE).read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("format") != FORMAT or manifest.get("duckdb") != duckdb.__version__:
        return None
    return manifest


@dataclass
class Writer:
    """Writes one version's files into `folder` from the build (`con`), linking unchanged ones
    from `previous` (a version folder and its manifest)."""

    con: duckdb.DuckDBPyConnection
    folder: Path
    previous: tuple[Path, dict] | None
    written: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)

    def place(
        self, relative: str, fingerprint: list, relation: str, where: str = "", select: str = "*"
    ) -> None:
        """Link `relative` from the previous version if its rows hash the same, else write it
        (the `select` list of `relation`'s rows)."""
        target = self.folder / relative
        if self.previous is not None:
            before, manifest = self.previous
            known = {f: i for m in manifest["marts"].values() for f, i in m["files"].items()}
            if known.get(relative) == fingerprint and (before / relative).is_file():
                try:
                    os.link(before / relative, target)
                except OSError:  # a file system without hard links: a copy, same bytes
                    shutil.copy2(before / relative, target)
                self.linked.append(relative)
                return
        path = literal(target.as_posix())
        self.con.execute(
            f"copy (select {select} from {relation} {where} order by all) to {path} (format parquet)"
        )
        target.chmod(published_mode())
        self.written.append(relative)

    def mart(self, name: str, columns: list[str]) -> dict:
        relation = f"{MARTS_SCHEMA}.{quoted(name)}"
        if name in COMPOSED:
            return self.composed(name)
        if name not in PARTITIONED:
            return {"files": self.whole(f"{name}.parquet", relation, columns)}
        (self.folder / name).mkdir(mode=published_mode(folder=True))
        before = self.previous[1]["marts"].get(name) if self.previous else None
        found, stamp = months(self.con, relation, columns, PARTITIONED[name], before)
        files = self.monthly(f"{name}/", relation, found)
        return {"files": files, "derived_until": stamp}

    def composed(self, name: str) -> dict:
        """The parts of a mart of `COMPOSED` and its view's SQL over them."""
        parts = COMPOSED[name]
        before = self.previous[1]["marts"].get(name) if self.previous else None
        files: dict[str, list] = {}
        stamps: dict[str, str | None] = {}
        for part in parts:
            part_files, stamps[part.name] = self.part(name, part, before)
            files.update(part_files)
        globs = {
            part.name: f"{name}/{part.name}/*.parquet"
            if part.date_column
            else f"{name}/{part.name}.parquet"
            for part in parts
        }
        return {
            "files": files,
            "sql": view_template(self.con, name, parts),
            "parts": globs,
            "derived_until": stamps,
        }

    def part(
        self, name: str, part: Part, before: dict | None
    ) -> tuple[dict[str, list], str | None]:
        """A part's files, and the newest derivation stamp of its rows (a part by month)."""
        partitioning = part.partitioning()
        # The derivation stamp says which months to hash again; it is not published (a rerun
        # writes the same bytes).
        columns = [
            column
            for (column,) in self.con.execute(
                "select column_name from duckdb_columns() where schema_name = ? and table_name = ? "
                "order by column_index",
                part.source.split("."),
            ).fetchall()
            if partitioning is None or column != partitioning.stamp
        ]
        if partitioning is None:
            return self.whole(f"{name}/{part.name}.parquet", part.source, columns), None
        prefix = f"{name}/{part.name}/"
        (self.folder / prefix).mkdir(parents=True, mode=published_mode(folder=True))
        kept = {
            "files": {
                f: i for f, i in (before or {}).get("files", {}).items() if f.startswith(prefix)
            },
            "derived_until": ((before or {}).get("derived_until") or {}).get(part.name),
        }
        found, stamp = months(self.con, part.source, columns, partitioning, kept)
        return self.monthly(prefix, part.source, found, columns), stamp

    def whole(self, relative: str, relation: str, columns: list[str]) -> dict[str, list]:
        """One file of every row of `relation`."""
        hashed = FINGERPRINT.format(columns=", ".join(quoted(c) for c in columns))
        fingerprint = list(self.con.execute(f"select {hashed} from {relation}").fetchone())
        self.place(relative, fingerprint, relation)
        return {relative: fingerprint}

    def monthly(
        self, prefix: str, relation: str, found: dict, columns: list[str] | None = None
    ) -> dict[str, list]:
        """A file per month `months` found under `prefix` (one empty file for no rows), of
        `columns` (every column when none)."""
        files = {
            f"{prefix}{month}.parquet": fingerprint for month, (fingerprint, _) in found.items()
        }
        if not found:
            files[f"{prefix}{EMPTY}.parquet"] = [0, "0"]
        wheres = {f"{prefix}{month}.parquet": where for month, (_, where) in found.items()}
        select = ", ".join(quoted(c) for c in columns) if columns else "*"
        for relative, fingerprint in files.items():
            self.place(relative, fingerprint, relation, wheres.get(relative, ""), select)
        return files


def write_version(
    con: duckdb.DuckDBPyConnection, folder: Path, previous: tuple[Path, dict] | None
) -> tuple[dict, list[str], list[str]]:
    """Every table and view of schema `marts` of the build `con` into `folder`, and its
    manifest; the manifest, the files written and the files linked."""
    writer = Writer(con, folder, previous)
    marts = {}
    relations = con.execute(
        "select table_name, comment from duckdb_tables() where schema_name = ? union all "
        "select view_name, comment from duckdb_views() where schema_name = ? order by 1",
        [MARTS_SCHEMA, MARTS_SCHEMA],
    ).fetchall()
    for name, comment in relations:
        columns = con.execute(
            "select column_name, comment from duckdb_columns() "
            "where schema_name = ? and table_name = ? order by column_index",
            [MARTS_SCHEMA, name],
        ).fetchall()
        entry = writer.mart(name, [column for column, _ in columns])
        marts[name] = {
            "comment": comment,
            "columns": [list(column) for column in columns],
            "partitioned": name in PARTITIONED,
            **entry,
        }
    manifest = {"format": FORMAT, "duckdb": duckdb.__version__, "marts": marts}
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n")
    (folder / MANIFEST_FILE).chmod(published_mode())
    return manifest, writer.written, writer.linked
