"""Relative adoption (`mart_relative_adoption`) recomputed from the snapshot files and the
catalog export, for every size class: each model's lifetime counter on each day a snapshot
observed it (stale repeats and quarantined days left out), its age since creation, its class
by the safetensors total, and the 10th largest counter of the class at the same age."""

from __future__ import annotations

import datetime as dt
import importlib
from collections import defaultdict

import duckdb
import polars as pl
import pytest

from ingestion.quality.quarantine import Quarantine
from tests.helpers import real_observations
from tests.plugins.pipeline import PipelineCase

pytestmark = pytest.mark.e2e

BILLION = 1_000_000_000


def size_class(parameters: int | None) -> str:
    if parameters is None:
        return "unknown"
    for bound, name in ((1, "under 1B"), (10, "1-9B"), (50, "10-49B"), (100, "50-99B")):
        if parameters < bound * BILLION:
            return name
    return "100B or more"


def expected_rows(pipeline: PipelineCase) -> dict[tuple[str, dt.date], tuple]:
    quarantined = {
        entry.day
        for entry in Quarantine(pipeline.data_dir / "quarantine", "hub_model_snapshots").entries()
    }
    files = [
        p
        for p in pipeline.in_run(list(pipeline.hub_daily.glob("*.parquet")))
        if dt.date.fromisoformat(p.stem) not in quarantined
    ]
    # The recordings' snapshots carry no creation time (the demo's do): then the catalog's.
    daily = pl.concat(
        [
            pl.read_parquet(p)
            .select(
                "id",
                pl.col("^createdAt$").cast(pl.Datetime("us", "UTC")),
                "downloadsAllTime",
            )
            .with_columns(day=pl.lit(dt.date.fromisoformat(p.stem)))
            for p in files
        ],
        how="diagonal",
    )
    if "createdAt" not in daily.columns:
        daily = daily.with_columns(createdAt=pl.lit(None, pl.Datetime("us", "UTC")))
    counters = real_observations(
        daily.select(
            pl.col("id").alias("model_id"), "day", pl.col("downloadsAllTime").alias("counter")
        ).drop_nulls("counter")
    )
    catalog = pl.read_parquet(pipeline.catalog_file(), columns=["id", "createdAt", "safetensors"])
    # The earliest creation time the snapshots report, else the catalog's.
    created = {
        m: c.date() for m, c in catalog.select("id", "createdAt").iter_rows() if c is not None
    }
    for model_id, first in daily.group_by("id").agg(pl.col("createdAt").min()).iter_rows():
        if first is not None:
            created[model_id] = first.date()
    parameters = {
        m: (s or {}).get("total") for m, s in catalog.select("id", "safetensors").iter_rows()
    }
    by_class_age: dict[tuple[str, int], list[tuple[int, str, dt.date]]] = defaultdict(list)
    for model_id, day, counter in counters.select("model_id", "day", "counter").iter_rows():
        born = created.get(model_id)
        if born is None or born > day:
            continue
        key = (size_class(parameters.get(model_id)), (day - born).days)
        by_class_age[key].append((counter, model_id, day))
    rows = {}
    for (klass, age), members in by_class_age.items():
        ranked = sorted(members, key=lambda m: (-m[0], m[1]))
        tenth = ranked[9] if len(ranked) >= 10 else None
        for counter, model_id, day in members:
            ratio = counter / tenth[0] if tenth and tenth[0] else None
            rows[(model_id, day)] = (
                klass,
                age,
                counter,
                len(members),
                tenth[1] if tenth else None,
                ratio,
            )
    return rows


def test_relative_adoption_is_the_direct_computation_for_every_class(pipeline):
    expected = expected_rows(pipeline)
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as con:
        got = {
            (m, d): (k, a, c, n, ref, ratio)
            for m, d, k, a, c, n, ref, ratio in con.execute(
                "select model_id, snapshot_date, size_class, age_days, downloads_all_time, "
                "class_models_at_age, reference_model_id, relative_adoption "
                "from marts.mart_relative_adoption"
            ).fetchall()
        }

    assert set(got) == set(expected)
    classes = {row[0] for row in expected.values()}
    assert len(classes) >= 3, classes  # the demo spans several classes
    assert any(row[5] is not None for row in expected.values())
    for klass in sorted(classes):
        mine = {k: v for k, v in expected.items() if v[0] == klass}
        for key, (_, age, counter, sample, reference, ratio) in mine.items():
            g = got[key]
            assert g[:5] == (klass, age, counter, sample, reference), (klass, key)
            assert g[5] == (pytest.approx(ratio, rel=1e-12) if ratio is not None else None), key


def test_ratios_exist_only_where_ten_models_of_the_class_share_the_age(pipeline):
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as con:
        wrong = con.execute(
            "select count(*) from marts.mart_relative_adoption where "
            "(class_models_at_age < 10) != (reference_model_id is null)"
        ).fetchone()[0]
        above = con.execute(
            "select count(*) filter (where relative_adoption > 1), "
            "count(*) filter (where relative_adoption < 1) from marts.mart_relative_adoption"
        ).fetchone()
    assert wrong == 0
    assert above[0] > 0 and above[1] > 0


@pytest.mark.parametrize("cap", [None, 5])
def test_the_report_draws_the_newest_days_highest_ratios_with_their_sample(
    pipeline, cap, monkeypatch
):
    from orchestration.lib.report.figures import Context
    from orchestration.lib.report.palette import country_scale

    # The module (the package exports its function under the same name).
    figure_module = importlib.import_module("orchestration.lib.report.relative_adoption")

    if cap is not None:  # the whole Hub: more models with a ratio than a chart holds
        monkeypatch.setattr(figure_module, "DRAWN", cap)
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as con:
        figure = figure_module.relative_adoption(Context(con, pipeline.is_demo, country_scale(con)))
        expected = con.execute(
            "select model_id, relative_adoption from marts.mart_relative_adoption "
            "where relative_adoption is not null and snapshot_date = "
            "(select max(snapshot_date) from marts.mart_relative_adoption)"
        ).fetchall()
    drawn = {(r["model_id"], r["relative_adoption"]) for r in figure.datasets["relative_adoption"]}
    highest = sorted(expected, key=lambda row: (-row[1], row[0]))[: figure_module.DRAWN]

    assert drawn == set(highest) and len(expected) > 5
    (sample,) = [note for note in figure.notes if note.startswith("Sample:")]
    assert (f"highest of the {len(expected):,} models" in sample) == (cap is not None)
    assert figure.spec["datasets"]["parity"] == [{"y": 1}]
