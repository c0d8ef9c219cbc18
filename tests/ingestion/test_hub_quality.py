"""The Hub suite on snapshots of the demo data and of the real recordings, doctored one fault
at a time. The day used is the one with the Hub's own counter corrections, found in the files.

Each bad input must give a verdict that names the rule, the field and sample ids, and only
blocking rules may refuse a snapshot.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from ingestion.conform import ConformReport
from ingestion.errors import InputError
from ingestion.hub.quality import (
    MAX_SHARE_DOWN,
    ORG_IN_REGISTRY,
    READABLE,
    SCHEMA_DRIFT,
    unattributed_orgs,
    unreadable_verdict,
    validate_hub_snapshot,
)
from ingestion.hub.recorded import read_snapshot_file
from ingestion.quality.counters import (
    COUNTER_CORRECTIONS,
    COUNTERS_WENT_DOWN_AT_ONCE,
    ROW_COUNT_COLLAPSED,
)
from ingestion.quality.expectations import shared_validator
from ingestion.quality.results import Verdict
from ingestion.registry import registry_orgs
from orchestration.lib.settings import DEVELOPER_REGISTRY_CSV
from tests.data import REAL_HUB_DAILY, requires_real_data
from tests.helpers import correction_days
from tests.plugins.demo import DEMO_DIR

DAY = dt.date(2026, 6, 15)  # the day the doctored frames claim to be


@pytest.fixture(
    scope="module",
    params=[DEMO_DIR / "hub" / "daily", pytest.param(REAL_HUB_DAILY, marks=requires_real_data)],
    ids=["demo", "real"],
)
def daily(request) -> Path:
    return request.param


@pytest.fixture(scope="module")
def correction(daily) -> tuple[Path, list[str]]:
    """The first snapshot file with the Hub's own corrections, and the ids that went down."""
    day, down = correction_days(daily)[0]
    return daily / f"{day}.parquet", down


def read(path: Path) -> pl.DataFrame:
    return read_snapshot_file(path, dt.date.fromisoformat(path.stem)).frame


@pytest.fixture(scope="module")
def june_5(daily, correction) -> pl.DataFrame:
    """The file before the correction day (named after the real pair, 2026-06-05 and -15)."""
    earlier = sorted(p for p in daily.glob("*.parquet") if p.name < correction[0].name)
    return read(earlier[-1])


@pytest.fixture(scope="module")
def june_15(correction) -> pl.DataFrame:
    return read(correction[0])


def validate(
    frame: pl.DataFrame, previous: pl.DataFrame | None = None, report: ConformReport | None = None
) -> Verdict:
    return validate_hub_snapshot(
        DAY,
        frame,
        location="2026-06-15.parquet",
        report=report or ConformReport(),
        previous=previous,
        validator=shared_validator(),
    )


def failed(verdict: Verdict) -> dict[str, object]:
    return {r.rule: r for r in verdict.results if not r.passed}


def test_a_day_with_hub_corrections_is_accepted_with_a_warning(june_5, june_15, correction):
    verdict = validate(june_15, previous=june_5)

    assert verdict.accepted
    assert verdict.blocking_failures == []
    (warning,) = [r for r in verdict.warnings if r.rule == COUNTER_CORRECTIONS]
    assert warning.unexpected_count == len(correction[1]) > 0
    assert set(warning.sample_ids) <= set(correction[1])


def test_most_counters_going_down_quarantines_the_snapshot(june_15):
    stale = june_15.with_columns((pl.col("downloadsAllTime") * 0.9).cast(pl.Int64))

    verdict = validate(stale, previous=june_15)

    assert not verdict.accepted
    rule = failed(verdict)[COUNTERS_WENT_DOWN_AT_ONCE]
    assert rule.field == "downloadsAllTime"
    assert rule.unexpected_count > MAX_SHARE_DOWN * june_15.height
    assert len(rule.sample_ids) == 5
    assert "2026-06-15.parquet" in verdict.reason()


def test_a_share_just_under_the_threshold_passes_and_just_over_fails(june_15):
    ranked = june_15.sort("id").with_row_index("n")

    def lowered(count: int) -> pl.DataFrame:
        return ranked.with_columns(
            pl.when(pl.col("n") < count)
            .then(pl.col("downloadsAllTime") - 1)
            .otherwise(pl.col("downloadsAllTime"))
            .alias("downloadsAllTime")
        ).drop("n")

    limit = int(MAX_SHARE_DOWN * june_15.height)  # the most models that may go down at once
    assert validate(lowered(limit), previous=june_15).accepted
    assert not validate(lowered(limit + 1), previous=june_15).accepted


@pytest.mark.parametrize(
    ("doctor", "rule", "field"),
    [
        (lambda f: pl.concat([f, f.head(3)]), "id_unique", "id"),
        (
            lambda f: f.with_columns(pl.col("id").str.replace("/", "_").alias("id")),
            "id_well_formed",
            "id",
        ),
        (
            lambda f: f.with_columns(-pl.col("downloadsAllTime").alias("downloadsAllTime")),
            "downloadsAllTime_non_negative",
            "downloadsAllTime",
        ),
        (lambda f: f.with_columns(pl.lit(-1).alias("likes")), "likes_non_negative", "likes"),
        (
            lambda f: f.with_columns((pl.col("downloadsAllTime") + 1).alias("downloads")),
            "downloads_within_all_time",
            "downloads",
        ),
        (
            lambda f: f.with_columns(
                pl.lit(dt.datetime(2021, 1, 1, tzinfo=dt.UTC)).alias("createdAt")
            ),
            "created_at_after_hub_floor",
            "createdAt",
        ),
    ],
    ids=[
        "duplicate ids",
        "malformed ids",
        "negative counter",
        "negative likes",
        "30d above all-time",
        "created before the Hub",
    ],
)
def test_each_bad_value_is_refused_naming_rule_field_and_sample_ids(june_15, doctor, rule, field):
    verdict = validate(doctor(june_15))

    assert not verdict.accepted
    result = failed(verdict)[rule]
    assert result.blocking
    assert result.field == field
    assert result.unexpected_count > 0
    assert result.sample_ids and all("/" in s or "_" in s for s in result.sample_ids)


def test_an_empty_snapshot_is_refused(june_15):
    verdict = validate(june_15.clear(), previous=june_15)

    assert not verdict.accepted
    assert "not_empty" in failed(verdict)


def test_a_snapshot_that_lost_a_quarter_of_its_models_is_refused(june_15):
    # The biggest orgs' models vanish, as many orgs as it takes to lose a quarter of the day.
    sizes = june_15["author"].value_counts(sort=True)
    gone = sizes.filter(pl.col("count").cum_sum().shift(1, fill_value=0) < june_15.height / 4)
    without = june_15.filter(~pl.col("author").is_in(gone["author"].to_list()))
    assert without.height <= 0.75 * june_15.height

    verdict = validate(without, previous=june_15)

    assert not verdict.accepted
    collapsed = failed(verdict)[ROW_COUNT_COLLAPSED]
    assert all(s.split("/")[0] in gone["author"].to_list() for s in collapsed.sample_ids)


def test_an_extra_column_is_accepted_and_reported(tmp_path, june_15):
    path = tmp_path / "2026-06-15.parquet"
    june_15.with_columns(pl.lit("x").alias("gated")).write_parquet(path)
    snapshot = read_snapshot_file(path, DAY)

    verdict = validate(snapshot.frame, report=snapshot.report)

    assert verdict.accepted
    (drift,) = [r for r in verdict.warnings if r.rule == SCHEMA_DRIFT]
    assert drift.field == "gated"
    assert "gated" in drift.observed


def test_a_wrong_type_is_an_input_error_naming_file_and_field(tmp_path, june_15):
    path = tmp_path / "2026-06-15.parquet"
    june_15.with_columns(pl.lit("many").alias("likes")).write_parquet(path)

    with pytest.raises(InputError) as error:
        read_snapshot_file(path, DAY)
    verdict = unreadable_verdict(DAY, error.value)

    assert error.value.field == "likes"
    assert not verdict.accepted
    assert verdict.blocking_failures[0].rule == READABLE
    assert verdict.blocking_failures[0].field == "likes"
    assert str(path) in verdict.reason()


def test_a_truncated_file_is_an_input_error_naming_the_file(tmp_path, correction):
    path = tmp_path / "2026-06-15.parquet"
    path.write_bytes(correction[0].read_bytes()[:2000])

    with pytest.raises(InputError, match="not a readable Parquet file") as error:
        read_snapshot_file(path, DAY)

    assert error.value.location == str(path)
    assert error.value.source == "hub"


def test_orgs_not_in_the_registry_are_a_warning_with_their_models(june_15):
    newcomer = pl.concat(
        [
            june_15,
            june_15.head(2).with_columns(
                pl.lit("newlab").alias("author"),
                (pl.lit("newlab/") + pl.col("id").str.split("/").list.last()).alias("id"),
            ),
        ]
    )
    registry = set(registry_orgs(DEVELOPER_REGISTRY_CSV))

    known = unattributed_orgs(june_15, registry)
    result = unattributed_orgs(newcomer, registry)

    assert known.passed
    assert result.rule == ORG_IN_REGISTRY
    assert not result.passed and not result.blocking
    assert result.unexpected_count == 2
    assert "newlab" in result.observed
    assert all(s.startswith("newlab/") for s in result.sample_ids)
