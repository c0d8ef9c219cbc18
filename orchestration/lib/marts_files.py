"""The files of one published version of the marts, written from the build or linked from the
version before (`orchestration.lib.warehouse` publishes them).

Each mart is `<mart>.parquet`, rows in a stable order (`order by all`: the same rows give the
same bytes); a mart of `PARTITIONED` is a folder of one file per month, `<mart>/YYYY-MM.parquet`
(`<mart>/empty.parquet` when it has no rows). The manifest `_published.json` records, per file,
its rows and a hash of them (the sum of DuckDB's row hashes, order-free), and per mart its
description and its columns' (the published warehouse's comments come from here).

A file whose rows hash as the previous version's is hard-linked from it, not written: what did
not change keeps its inode and its mtime. Hashing a whole mart costs a scan, so the daily fact's
months are hashed only from the first day the build re-derived since the last publish (its rows
carry `derived_at`, the dbt invocation that wrote them: a rebuild window, a failed run's rows, a
full rebuild all show there); an older month is taken as it was unless its row count moved (a
gap deleted with a day evicted from the raw layer). A manifest of another format or DuckDB
version (whose hash may differ) counts as no previous version: every file is written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.atomic import published_mode

MARTS_SCHEMA = "marts"
MANIFEST_FILE = "_published.json"
FORMAT = 2
EMPTY = "empty"


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


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
    written: list[str]
    linked: list[str]

    def fingerprint(self, relation: str, columns: list[str], where: str = "") -> list:
        hashed = ", ".join(quoted(c) for c in columns)
        return list(
            self.con.execute(
                f"select count(*), coalesce(sum(hash({hashed})::hugeint), 0)::varchar "
                f"from {relation} {where}"
            ).fetchone()
        )

    def place(self, relative: str, fingerprint: list, relation: str, where: str = "") -> None:
        """Link `relative` from the previous version if its rows hash the same, else write it."""
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
            f"copy (select * from {relation} {where} order by all) to {path} (format parquet)"
        )
        target.chmod(published_mode())
        self.written.append(relative)

    def mart(self, name: str, columns: list[str]) -> dict:
        relation = f"{MARTS_SCHEMA}.{quoted(name)}"
        if name not in PARTITIONED:
            fingerprint = self.fingerprint(relation, columns)
            self.place(f"{name}.parquet", fingerprint, relation)
            return {"files": {f"{name}.parquet": fingerprint}}
        return self.by_month(name, relation, columns, PARTITIONED[name])

    def by_month(self, name: str, relation: str, columns: list[str], part: Partitioning) -> dict:
        (self.folder / name).mkdir(mode=published_mode(folder=True))
        day = quoted(part.date_column)
        month = f"strftime(date_trunc('month', {day}), '%Y-%m')"
        counts: dict[str, int] = {}  # grouped by day, not by a function of every row
        for date, rows in self.con.execute(
            f"select {day}, count(*) from {relation} group by 1"
        ).fetchall():
            counts[f"{date:%Y-%m}"] = counts.get(f"{date:%Y-%m}", 0) + rows
        before = self.previous[1]["marts"].get(name) if self.previous else None
        bound, stamp = self.changed_from(part, before)
        known = before["files"] if before else {}
        check = sorted(
            m
            for m, rows in counts.items()
            if bound is None or m >= bound or known.get(f"{name}/{m}.parquet", [None])[0] != rows
        )
        hashed = ", ".join(quoted(c) for c in columns)
        fingerprints = {}
        if check:
            fingerprints = {
                m: [rows, digest]
                for m, rows, digest in self.con.execute(
                    f"select {month}, count(*), coalesce(sum(hash({hashed})::hugeint), 0)::varchar "
                    f"from {relation} where {day} >= ? group by 1",
                    [dt.date.fromisoformat(check[0] + "-01")],
                ).fetchall()
            }
        files = {}
        for m in sorted(counts):
            relative = f"{name}/{m}.parquet"
            files[relative] = fingerprints.get(m) or known[relative]
            first = dt.date.fromisoformat(m + "-01")
            after = (first + dt.timedelta(days=32)).replace(day=1)
            where = f"where {day} >= DATE '{first}' and {day} < DATE '{after}'"
            self.place(relative, files[relative], relation, where)
        if not counts:
            files[f"{name}/{EMPTY}.parquet"] = [0, "0"]
            self.place(f"{name}/{EMPTY}.parquet", [0, "0"], relation)
        return {"files": files, "derived_until": stamp}

    def changed_from(
        self, part: Partitioning, before: dict | None
    ) -> tuple[str | None, str | None]:
        """The first month holding a row derived since the previous version (None: every
        month, there is no previous one to go by), and the newest derivation stamp now."""
        schema, table = part.source.split(".")
        found = self.con.execute(
            "select count(*) from duckdb_columns() where schema_name = ? and table_name = ? "
            "and column_name in (?, ?)",
            [schema, table, part.stamp, part.date_column],
        ).fetchone()
        if not found or found[0] != 2:
            return None, None
        source, stamp, day = part.source, quoted(part.stamp), quoted(part.date_column)
        since = before.get("derived_until") if before else None
        if since is None:
            (newest,) = self.con.execute(f"select max({stamp})::varchar from {source}").fetchone()
            return None, newest
        first, newest = self.con.execute(
            f"select strftime(min({day}), '%Y-%m'), max({stamp})::varchar from {source} "
            f"where {stamp} > ?::timestamp",
            [since],
        ).fetchone()
        return (first or "9999-12"), (newest or since)


def write_version(
    con: duckdb.DuckDBPyConnection, folder: Path, previous: tuple[Path, dict] | None
) -> tuple[dict, list[str], list[str]]:
    """Every table and view of schema `marts` of the build `con` into `folder`, and its
    manifest; the manifest, the files written and the files linked."""
    writer = Writer(con, folder, previous, [], [])
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
