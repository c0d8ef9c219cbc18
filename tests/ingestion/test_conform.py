from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ingestion.conform import conform
from ingestion.errors import InputError
from ingestion.hub.schema import HUB_SNAPSHOT_SCHEMA


def test_missing_columns_become_nulls_and_extra_columns_are_reported():
    frame = pl.DataFrame({"id": ["a/b"], "downloadsAllTime": [5], "surprise": ["x"]})

    conformed, report = conform(frame, HUB_SNAPSHOT_SCHEMA, source="hub", location="f.parquet")

    assert conformed.schema == HUB_SNAPSHOT_SCHEMA
    assert conformed["likes"].to_list() == [None]
    assert "likes" in report.missing_columns
    assert report.extra_columns == ["surprise"]


def test_a_value_that_cannot_be_cast_names_source_file_and_field():
    frame = pl.DataFrame({"id": ["a/b"], "downloadsAllTime": ["lots"]})

    with pytest.raises(InputError) as error:
        conform(frame, HUB_SNAPSHOT_SCHEMA, source="hub", location="2026-05-03.parquet")

    assert error.value.field == "downloadsAllTime"
    assert str(error.value).startswith("hub: 2026-05-03.parquet: field 'downloadsAllTime'")


def test_structs_keep_declared_fields_only_and_null_structs_stay_null():
    frame = pl.DataFrame(
        {
            "id": ["a/b", "c/d"],
            "safetensors": [{"parameters": {"BF16": 7}, "total": 7}, None],
            "baseModels": [
                {
                    "relation": "merge",
                    "models": [{"_id": "1", "id": "x/y"}, {"_id": "2", "id": "z/w"}],
                },
                None,
            ],
        }
    )

    conformed, _ = conform(frame, HUB_SNAPSHOT_SCHEMA, source="hub", location="f")

    assert conformed["safetensors"].to_list() == [{"total": 7}, None]
    assert conformed["baseModels"].to_list() == [
        {"relation": "merge", "models": [{"id": "x/y"}, {"id": "z/w"}]},
        None,
    ]


def test_naive_archive_times_and_iso_strings_both_become_utc():
    naive = pl.DataFrame({"id": ["a/b"], "createdAt": [dt.datetime(2024, 2, 29, 4, 52, 16)]})
    text = pl.DataFrame({"id": ["a/b"], "createdAt": ["2024-02-29T04:52:16.000Z"]})

    from_naive, _ = conform(naive, HUB_SNAPSHOT_SCHEMA, source="hub", location="f")
    from_text, _ = conform(text, HUB_SNAPSHOT_SCHEMA, source="hub", location="f")

    expected = dt.datetime(2024, 2, 29, 4, 52, 16, tzinfo=dt.UTC)
    assert from_naive["createdAt"].item() == expected
    assert from_text["createdAt"].item() == expected
