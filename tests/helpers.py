"""Helpers the tests share: reading the marts, and reading the source files independently of
the pipeline's own code, so the marts are checked against a second computation; the files this
process holds open."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq

from orchestration.lib.marts_composed import COMPOSED

MARTS = (
    "dim_developers",
    "dim_models",
    "fct_model_downloads_daily",
    "fct_model_downloads_window",
    "mart_adoption",
    "mart_family_adoption",
    "fct_model_lineage",
    "mart_market_share",
    "mart_share_crossovers",
    "mart_market_concentration",
    "mart_unattributed_orgs",
    "mart_cost_ratio",
    "mart_price_summary",
    "mart_hub_snapshot_days",
    "mart_price_changes",
    "mart_pair_cost_ratio",
    "mart_api_usage_share",
    "mart_api_top_models",
    "mart_claims",
    "mart_claim_readings",
    "mart_claim_verdict_history",
    "mart_relative_adoption",
)


def read_marts(warehouse: Path, names: Sequence[str] = MARTS) -> dict[str, list[tuple]]:
    """The rows of each mart named (all of them by default), in a stable order."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            name: sorted(con.execute(f"select * from marts.{name}").fetchall(), key=repr)
            for name in names
        }


def mart_hashes(warehouse: Path) -> dict[str, str]:
    """A SHA-256 of each mart's rows in their stable order: equal hashes, identical contents."""
    return {
        name: hashlib.sha256(repr(rows).encode()).hexdigest()
        for name, rows in read_marts(warehouse).items()
    }


def daily_counters(folder: Path) -> pl.DataFrame:
    """`model_id, day, counter, author` of every daily snapshot file in a folder."""
    return pl.read_parquet(
        folder / "*.parquet", include_file_paths="path", missing_columns="insert"
    ).select(
        pl.col("id").alias("model_id"),
        pl.col("author"),
        pl.col("path").str.extract(r"(\d{4}-\d{2}-\d{2})\.parquet$").str.to_date().alias("day"),
        pl.col("downloadsAllTime").alias("counter"),
    )


def consecutive_changes(counters: pl.DataFrame) -> pl.DataFrame:
    """Each model's counter against its previous file: `previous_day`, `increase`."""
    return (
        counters.sort("model_id", "day")
        .with_columns(
            previous_day=pl.col("day").shift(1).over("model_id"),
            increase=pl.col("counter") - pl.col("counter").shift(1).over("model_id"),
        )
        .drop_nulls("previous_day")
    )


def correction_days(folder: Path, max_share: float = 0.05) -> list[tuple[str, list[str]]]:
    """Days on which some, but at most `max_share`, of the models' counters went down: the
    Hub's own corrections. (day, the ids that went down), computed from the files."""
    changes = consecutive_changes(daily_counters(folder))
    per_day = changes.group_by("day").agg(
        pl.len().alias("models"),
        pl.col("model_id").filter(pl.col("increase") < 0).sort().alias("down"),
    )
    return [
        (day.isoformat(), down)
        for day, models, down in per_day.sort("day").iter_rows()
        if 0 < len(down) <= max_share * models
    ]


# What a stale copy looks like in the files, independently of the dbt rule: more than a fifth of
# the counters compared with the model's previous file did not move (normal days: under 7 %).
STALE_UNCHANGED_SHARE = 0.2


def stale_days(counters: pl.DataFrame) -> set:
    """The days of `daily_counters` rows on which the source did not refresh."""
    per_day = (
        consecutive_changes(counters)
        .group_by("day")
        .agg((pl.col("increase") == 0).mean().alias("unchanged"))
    )
    return set(per_day.filter(pl.col("unchanged") > STALE_UNCHANGED_SHARE)["day"].to_list())


def real_observations(counters: pl.DataFrame) -> pl.DataFrame:
    """The rows of `daily_counters` that carry weight: without the unchanged counters of
    stale days (they repeat an earlier day; the downloads of their gap are spread)."""
    counters = counters.sort("model_id", "day")
    unchanged = (counters["counter"] == counters["counter"].shift(1)) & (
        counters["model_id"] == counters["model_id"].shift(1)
    )
    stale = counters["day"].is_in(sorted(stale_days(counters)))
    return counters.filter(~(stale & unchanged.fill_null(False)))


def parquet_marts_differences(data_dir: Path) -> dict[str, str]:
    """Each mart of the build (`build/warehouse.duckdb`, what dbt built last) whose published
    Parquet (`$DATA_DIR/marts/<mart>.parquet`, or a folder of monthly files `<mart>/*.parquet`)
    is missing or differs from it (columns, types, rows), with what differs; any published file
    or folder that is no mart; any mart the published warehouse has no view of. Empty when every
    mart is published as built. The rows are read with pyarrow, not with the DuckDB that wrote
    them."""
    folder = data_dir / "marts"
    problems: dict[str, str] = {}
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as published:
        views = {
            name
            for (name,) in published.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
    with duckdb.connect(str(data_dir / "build" / "warehouse.duckdb"), read_only=True) as con:
        names = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        ]
        files = {p.stem for p in folder.glob("*.parquet")} | {
            p.name for p in folder.iterdir() if p.is_dir()
        }
        for extra in sorted((files | views) - set(names)):
            problems[extra] = "a Parquet file or view that is no mart"
        for name in names:
            if name in COMPOSED:  # a view over its parts' files: compared through that view
                problems.update(composed_differences(con, data_dir, name, views))
                continue
            path = folder / f"{name}.parquet"
            path = path if path.is_file() else folder / name
            if not path.exists() or name not in views:
                problems[name] = "no Parquet file" if not path.exists() else "no view"
                continue
            pattern = path if path.is_file() else path / "*.parquet"
            types = con.execute(f"describe marts.{name}").fetchall()
            copied = con.execute(f"describe select * from read_parquet('{pattern}')").fetchall()
            if [t[:2] for t in types] != [t[:2] for t in copied]:
                problems[name] = f"columns {[t[:2] for t in types]} != {[t[:2] for t in copied]}"
                continue
            rows = sorted(con.execute(f"select * from marts.{name}").fetchall(), key=repr)
            table = pq.read_table(path)  # a folder reads as one table
            parquet = sorted(zip(*(c.to_pylist() for c in table.columns), strict=True), key=repr)
            if rows != parquet:
                problems[name] = f"{len(rows)} rows in the build, {len(parquet)} in Parquet"
    return problems


def composed_differences(
    con: duckdb.DuckDBPyConnection, data_dir: Path, name: str, views: set[str]
) -> dict[str, str]:
    """How the published view of a mart of `COMPOSED` differs from the build's (columns, types,
    rows); its parts must be files of its folder."""
    folder = data_dir / "marts" / name
    missing = [
        part.name
        for part in COMPOSED[name]
        if not (folder / f"{part.name}.parquet").is_file() and not (folder / part.name).is_dir()
    ]
    if missing or name not in views:
        return {name: f"no Parquet part {missing}" if missing else "no view"}
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as published:
        types = published.execute(f"describe marts.{name}").fetchall()
        rows = sorted(published.execute(f"select * from marts.{name}").fetchall(), key=repr)
    built = con.execute(f"describe marts.{name}").fetchall()
    if [t[:2] for t in types] != [t[:2] for t in built]:
        return {name: f"columns {[t[:2] for t in built]} != {[t[:2] for t in types]}"}
    expected = sorted(con.execute(f"select * from marts.{name}").fetchall(), key=repr)
    if rows != expected:
        return {name: f"{len(expected)} rows in the build, {len(rows)} published"}
    return {}


def files_held_open(folder: Path) -> list[Path]:
    """The files under `folder` this process holds open (Linux's /proc/self/fd; elsewhere none)."""
    descriptors = Path("/proc/self/fd")
    if not descriptors.is_dir():
        return []
    root, held = folder.resolve(), []
    for descriptor in descriptors.iterdir():
        with contextlib.suppress(OSError):  # a descriptor closed while listed
            if (path := Path(os.readlink(descriptor))).is_relative_to(root):
                held.append(path)
    return held
