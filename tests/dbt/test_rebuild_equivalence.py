"""The marts of incremental builds are those of a full rebuild (issue 24, "Done when"): after
day-by-day runs to the last day, a rerun mid-window, an eviction, a re-admission and a changed
family rule, each build with the window the run decides (`tests/dbt/rebuild_chain.py` walks
the cases on one small generated raw layer; the Spark chain is test_spark_rebuild_equivalence.py).

At the dbt level, not through pipeline runs (the e2e tests do that for a few cases, at ~30 s
of fixed cost a run): seven incremental builds and four full rebuilds, one raw layer.
"""

from __future__ import annotations

import pytest

from tests.dbt.rebuild_chain import Chain, Checkpoint, walk

pytestmark = pytest.mark.e2e

CASES = (
    "day_by_day_to_the_last_day",
    "rerun_mid_window",
    "eviction",
    "re_admission",
    "changed_family_rule",
)


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory) -> dict[str, Checkpoint]:
    chain = Chain(tmp_path_factory.mktemp("rebuild-chain"))
    return {point.case: point for point in walk(chain)}


def test_the_chain_walks_every_case(checkpoints):
    assert list(checkpoints) == ["first_days", *CASES]


@pytest.mark.parametrize("case", CASES)
def test_the_marts_equal_a_full_rebuild_of_the_same_raw_layer(checkpoints, case):
    point = checkpoints[case]
    assert not point.differences, f"{case} (window from {point.window}): {point.differences}"
    # The case changed what a full rebuild gives, so the comparison could have failed.
    assert point.changed, f"{case} left every mart as it was: it proves nothing"
