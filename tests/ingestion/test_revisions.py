"""Old hub-stats revisions are conformed, not refused (`ingestion.hub.revisions`): older names
renamed, a missing author taken from the id, a day with only the 30-day counter kept with the
lifetime counter null; a file with no id or no counter at all is refused, naming the field."""

from __future__ import annotations

import polars as pl
import pytest

from ingestion.errors import InputError
from ingestion.hub.revisions import conform_revision
from ingestion.hub.schema import HUB_SNAPSHOT_SCHEMA


def test_an_old_revision_with_the_30_day_counter_only_is_conformed():
    old = pl.DataFrame({"modelId": ["Qwen/Qwen2-7B", "bert-base-uncased"], "downloads": [5, 7]})

    frame, report = conform_revision(old, "old.parquet")

    assert frame.schema == HUB_SNAPSHOT_SCHEMA
    assert frame["id"].to_list() == ["Qwen/Qwen2-7B", "bert-base-uncased"]
    assert frame["author"].to_list() == ["Qwen", "bert-base-uncased"]
    assert frame["downloads"].to_list() == [5, 7]
    assert frame["downloadsAllTime"].null_count() == 2
    assert "downloadsAllTime" in report.missing_columns


def test_a_current_name_wins_over_an_older_one():
    both = pl.DataFrame({"id": ["a/b"], "modelId": ["a/old"], "downloadsAllTime": [3]})

    frame, report = conform_revision(both, "both.parquet")

    assert frame["id"].to_list() == ["a/b"]
    assert report.extra_columns == ["modelId"]


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        (pl.DataFrame({"name": ["a/b"], "downloads": [1]}), "id"),
        (pl.DataFrame({"id": ["a/b"], "likes": [1]}), "downloadsAllTime"),
    ],
)
def test_no_id_or_no_counter_is_refused_naming_the_field(frame, field):
    with pytest.raises(InputError) as error:
        conform_revision(frame, "bad.parquet")
    assert error.value.field == field
    assert "bad.parquet" in str(error.value)
