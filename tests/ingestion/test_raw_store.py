from __future__ import annotations

import datetime as dt
import hashlib

import duckdb
import polars as pl

from ingestion.raw_store import HASH_CHARS, RawStore, content_hash

DAY = dt.date(2026, 5, 3)
T1 = dt.datetime(2026, 5, 4, 0, 30, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 5, 4, 6, 0, tzinfo=dt.UTC)


def frame(counter: int) -> pl.DataFrame:
    return pl.DataFrame({"id": ["a/b", "c/d"], "downloadsAllTime": [counter, 7]})


def test_a_refetch_with_new_content_is_added_and_the_earlier_fetch_kept(tmp_path):
    store = RawStore(tmp_path, "hub")

    first = store.write(DAY, frame(1), source_uri="x", fetched_at=T1)
    second = store.write(DAY, frame(2), source_uri="x", fetched_at=T2)

    assert first.written and second.written
    assert store.fetches(DAY) == [first.path, second.path]
    assert pl.read_parquet(first.path)["downloadsAllTime"].to_list() == [1, 7]
    stored = pl.read_parquet(second.path)
    assert stored["snapshot_date"].unique().to_list() == [DAY]
    assert stored["fetched_at"].unique().to_list() == [T2]


def test_an_identical_refetch_is_not_stored_twice(tmp_path):
    store = RawStore(tmp_path, "hub")

    store.write(DAY, frame(1), source_uri="x", fetched_at=T1)
    again = store.write(DAY, frame(1).reverse(), source_uri="x", fetched_at=T2)

    assert not again.written
    assert len(store.fetches(DAY)) == 1


def test_no_temporary_file_is_left_behind(tmp_path):
    store = RawStore(tmp_path, "hub")
    store.write(DAY, frame(1), source_uri="x", fetched_at=T1)

    leftovers = [
        p.name for p in store.partition_dir(DAY).iterdir() if not p.name.endswith(".parquet")
    ]
    assert leftovers == []


def test_content_hash_ignores_row_order_but_not_values():
    assert content_hash(frame(1)) == content_hash(frame(1).reverse())
    assert content_hash(frame(1)) != content_hash(frame(2))


def test_a_dataset_without_any_fetch_reads_as_zero_rows_not_an_error(tmp_path):
    store = RawStore(tmp_path, "prices")
    schema = pl.Schema({"id": pl.String, "downloadsAllTime": pl.Int64})

    store.ensure_readable(schema)
    store.ensure_readable(schema)  # idempotent

    rows = duckdb.sql(
        f"select id, snapshot_date, fetched_at from read_parquet('{store.glob()}', union_by_name = true)"
    ).fetchall()
    assert rows == []
    assert store.fetches(DAY) == []


def test_the_content_hash_is_the_digest_of_the_sorted_row_hashes_word_by_word():
    rows = pl.DataFrame({"id": ["a/b", "c/d", "e/f"], "downloadsAllTime": [3, None, 1]})
    reference = hashlib.sha256(",".join(f"{k}:{v}" for k, v in rows.schema.items()).encode())
    for value in rows.hash_rows(seed=0).sort():
        reference.update(value.to_bytes(8, "little"))

    assert content_hash(rows) == reference.hexdigest()[:HASH_CHARS]
    assert content_hash(rows.reverse()) == content_hash(rows)
