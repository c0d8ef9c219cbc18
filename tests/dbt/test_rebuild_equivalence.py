"""The marts of incremental builds are those of a full rebuild (issue 24, "Done when"): after
day-by-day runs to the last day, a rerun mid-window, an eviction, a re-admission and a changed
family rule, each build with the window the run decides (`tests/dbt/rebuild_cases.py` walks
the cases on one small generated raw layer, `rebuild_chain.py`), on DuckDB and on Spark.

At the dbt level, not through pipeline runs (the e2e tests do that for a few cases, at ~30 s
of fixed cost a run): seven incremental builds and four full rebuilds, one raw layer.

On Spark (opt-in and skipped as test_spark_equivalence.py is), the same chain builds the same
raw layer with `dbt build --target spark`, with the window the run decided, in one Spark
warehouse kept from build to build, and every mart is compared with DuckDB's full rebuild of
the same raw state (doubles to a relative 1e-9, as test_spark_equivalence.py compares). There
the daily-grain Hub models are tables (no delete): every build makes them whole from the raw
layer and the window reaches no Spark model; only the verdicts' history is incremental. A Spark
build costs minutes, so the chain builds on Spark at two checkpoints, each after several of its
changes: the eviction (the first Spark build, after the day-by-day runs and the rerun) and the
changed family rule (after the re-admission and the rule change).
"""

from __future__ import annotations

import pytest

from orchestration.lib.rebuild_window import rebuild_env
from tests.dbt.chain_marts import HISTORY, HISTORY_ONLY, Marts, comparable
from tests.dbt.rebuild_cases import walk
from tests.dbt.rebuild_chain import CHANGED, Chain, Checkpoint
from tests.dbt.test_dbt_unit_tests import errors
from tests.dbt.test_spark_equivalence import differences, read_spark_marts, spark_build
from tests.dbt.test_spark_equivalence import pytestmark as spark_marks

pytestmark = pytest.mark.e2e

CASES = (
    "day_by_day_to_the_last_day",
    "rerun_mid_window",
    "eviction",
    "re_admission",
    "changed_family_rule",
)
SPARK_AT = ("eviction", "changed_family_rule")
SPARK_SKIPS = [mark for mark in spark_marks if mark.name == "skipif"]


class SparkChain:
    """Builds on Spark at the checkpoints of SPARK_AT; how its marts differ from DuckDB's full
    rebuild, by case: {mart: differences}."""

    def __init__(self, dumps) -> None:
        self.dumps = dumps
        self.differences: dict[str, dict[str, list[str]]] = {}

    def build(self, chain: Chain, point: Checkpoint, full: Marts) -> None:
        if point.case not in SPARK_AT:
            return
        select = ("--select", *CHANGED) if self.differences else ()
        built = spark_build(
            chain.data_dir, *select, env=rebuild_env(point.window), project_dir=chain.project
        )
        assert built.returncode == 0, errors(built)
        columns = {
            mart: [*names, *HISTORY_ONLY] if mart == HISTORY else names
            for mart, (names, _) in full.items()
        }
        spark = read_spark_marts(chain.layout.spark_dir, self.dumps.mktemp(point.case), columns)
        self.differences[point.case] = {
            mart: diffs[:5]
            for mart, (names, rows) in full.items()
            if (diffs := differences(rows, comparable(mart, columns[mart], spark[mart])[1], names))
        }


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> tuple[dict[str, Checkpoint], SparkChain | None]:
    on_spark = not any(mark.args[0] for mark in SPARK_SKIPS)
    spark = SparkChain(tmp_path_factory) if on_spark else None
    walked = Chain(
        tmp_path_factory.mktemp("rebuild-chain"), on_checkpoint=spark.build if spark else None
    )
    return {point.case: point for point in walk(walked)}, spark


def test_the_chain_walks_every_case(chain):
    checkpoints, _ = chain
    assert list(checkpoints) == ["first_days", *CASES]


@pytest.mark.parametrize("case", CASES)
def test_the_marts_equal_a_full_rebuild_of_the_same_raw_layer(chain, case):
    point = chain[0][case]
    assert not point.differences, f"{case} (window from {point.window}): {point.differences}"
    # The case changed what a full rebuild gives, so the comparison could have failed.
    assert point.changed, f"{case} left every mart as it was: it proves nothing"


@pytest.mark.parametrize("case", [pytest.param(case, marks=SPARK_SKIPS) for case in SPARK_AT])
def test_the_spark_marts_equal_duckdbs_full_rebuild_of_the_same_raw_layer(chain, case):
    _, spark = chain
    assert spark is not None
    assert spark.differences[case] == {}
