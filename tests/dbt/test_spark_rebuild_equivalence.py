"""The rebuild chain of test_rebuild_equivalence.py on Spark: at some of its checkpoints the same
raw layer is built with `dbt build --target spark` (with the window the run decided) in one
Spark warehouse kept from build to build, and every mart is compared with DuckDB's full
rebuild of the same raw state (rows, any order, doubles to a relative 1e-9, as
test_spark_equivalence.py compares a whole build; the verdicts' history by each claim's newest
row, as on DuckDB).

On Spark the daily-grain Hub models are tables (no delete): each build makes them whole from the
raw layer, and the window reaches no Spark model. So the chain builds on Spark only at three
checkpoints, each after several of the chain's changes (a Spark build costs one to three
minutes): the first days; the eviction (after the day-by-day runs, the rerun with a newer fetch
and the eviction); the changed family rule (after the re-admission and the rule change). Only
the verdicts' history is incremental there, and it spans the three builds.

Opt-in with the other Spark test, and skipped for the same reasons (test_spark_equivalence.py).
"""

from __future__ import annotations

import pytest

from orchestration.lib.rebuild_window import rebuild_env
from tests.dbt.rebuild_chain import (
    HISTORY,
    HISTORY_ONLY,
    Chain,
    Checkpoint,
    Marts,
    comparable,
    walk,
)
from tests.dbt.test_dbt_unit_tests import errors
from tests.dbt.test_spark_equivalence import differences, read_spark_marts, spark_build
from tests.dbt.test_spark_equivalence import pytestmark as spark_marks

pytestmark = spark_marks

SPARK_AT = ("first_days", "eviction", "changed_family_rule")


@pytest.fixture(scope="module")
def spark_differences(tmp_path_factory) -> dict[str, dict[str, list[str]]]:
    """Case -> {mart: how Spark's rows differ from DuckDB's full rebuild}, at each of SPARK_AT."""
    found: dict[str, dict[str, list[str]]] = {}

    def build_on_spark(chain: Chain, point: Checkpoint, full: Marts) -> None:
        if point.case not in SPARK_AT:
            return
        built = spark_build(
            chain.data_dir, env=rebuild_env(point.window), project_dir=chain.project
        )
        assert built.returncode == 0, errors(built)
        columns = {
            mart: [*names, *HISTORY_ONLY] if mart == HISTORY else names
            for mart, (names, _) in full.items()
        }
        spark = read_spark_marts(
            chain.layout.spark_dir, tmp_path_factory.mktemp(f"spark-{point.case}"), columns
        )
        found[point.case] = {
            mart: diffs[:5]
            for mart, (names, rows) in full.items()
            if (diffs := differences(rows, comparable(mart, columns[mart], spark[mart])[1], names))
        }

    walk(Chain(tmp_path_factory.mktemp("spark-chain"), on_checkpoint=build_on_spark))
    return found


@pytest.mark.parametrize("case", SPARK_AT)
def test_the_spark_marts_equal_duckdbs_full_rebuild_of_the_same_raw_layer(spark_differences, case):
    assert spark_differences[case] == {}
