"""How `make test` spreads the tests over two xdist workers (`--dist loadgroup`): groups, and
the slowest groups first."""

from __future__ import annotations

import os

import pytest


def xdist_group(item: pytest.Item) -> str:
    """The group of a test: `make test` runs two workers (pytest-xdist, `--dist loadgroup`), and
    a group's tests run in one worker, in order. The tests on a shared pipeline run are one group
    per data set, so each pipeline runs once (a session fixture holds one parameter at a time:
    split over two workers, or interleaved, it would run again); every other file is a group of
    its own, so its module fixtures (a pipeline of its own, a server) are built once."""
    callspec = getattr(item, "callspec", None)
    if "pipeline" in getattr(item, "fixturenames", ()) and callspec is not None:
        return f"pipeline-{callspec.params['pipeline']}"
    path = item.nodeid.split("::", 1)[0]
    return OBSERVED_RUN_GROUP if path in OBSERVED_RUN_FILES else path


# The files on the session's `observed_run` (tests.plugins.pipeline): one group, one run.
OBSERVED_RUN_GROUP = "observed-run"
OBSERVED_RUN_FILES = {"tests/pipeline/test_publish.py", "tests/pipeline/test_claim_history.py"}

# The groups that take longest, in seconds of one worker during `make test` on an idle machine
# (measured from the reports' start and stop times, docs/notes/issue-28-one-home.md; only their
# order matters); every other group takes seconds. xdist hands the groups out in collection order
# (`make test` passes `--no-loadscope-reorder`; xdist's own order is by number of tests, which put
# these files, with one to four tests each, last): slowest first, so the two workers end together
# instead of one running a long group alone at the end.
SLOW_GROUPS = {
    "pipeline-demo": 84,
    "tests/dbt/test_rebuild_equivalence.py": 70,
    "tests/pipeline/test_quarantine_e2e.py": 62,
    "pipeline-real": 59,
    "tests/pipeline/test_reliability.py": 52,
    "tests/pipeline/test_backfill_e2e.py": 44,
    "tests/pipeline/test_rehearsal_e2e.py": 41,
    "tests/pipeline/test_claims_2025.py": 41,
    OBSERVED_RUN_GROUP: 35,
    "tests/pipeline/test_disk_full.py": 33,
    "tests/pipeline/test_old_revisions_e2e.py": 16,
    "tests/pipeline/test_ui.py": 15,
    "tests/dbt/test_dbt_unit_tests.py": 12,
}
# With the opt-in tests on (.ci/run sets both), their groups take minutes more: they go first.
OPT_IN_GROUPS = {
    "OBSERVATORY_SPARK": {"tests/dbt/test_rebuild_equivalence.py": 520, "pipeline-real": 400},
    "OBSERVATORY_SOAK": {"tests/pipeline/test_soak.py": 300},
}


def slow_groups() -> dict[str, int]:
    groups = dict(SLOW_GROUPS)
    for variable, more in OPT_IN_GROUPS.items():
        if os.environ.get(variable) == "1":
            groups.update(more)
    return groups


def pytest_itemcollected(item: pytest.Item) -> None:
    """Marks each test with its group (needs pytest < 9: pytest 9 renamed the node id that
    xdist suffixes with the group, and groups are ignored)."""
    item.add_marker(pytest.mark.xdist_group(xdist_group(item)))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest groups first (`SLOW_GROUPS`); a stable sort, so each group keeps its order."""

    slowest = slow_groups()
    items.sort(key=lambda item: slowest.get(xdist_group(item), 0), reverse=True)
