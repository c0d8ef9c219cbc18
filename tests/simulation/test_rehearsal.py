"""What a rehearsal serves and which requests its fault plans spoil (`simulation.rehearsal`):
the rows are the newest recorded day's, computed here from the files; a plan is refused with
the rule named; no fault of a plan is lost when two rules want the same request."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from simulation.rehearsal.base import Fault, FaultRule
from simulation.rehearsal.data import served_from
from simulation.rehearsal.plan import STANDARD, PlanError, load_plan, rules
from tests.data import SHARED_DATA, read_answer, requires_real_data
from tests.plugins.demo import DEMO_DIR


@pytest.mark.parametrize(
    "folder",
    [lambda: DEMO_DIR, pytest.param(lambda: SHARED_DATA, marks=requires_real_data)],
    ids=["demo", "real"],
)
def test_a_rehearsal_serves_the_newest_recorded_day(folder):
    folder = folder()
    served = served_from(folder)

    newest_hub = max((folder / "hub" / "daily").glob("????-??-??.parquet"))
    recorded = pl.read_parquet(newest_hub)
    assert [m["id"] for m in served.hub_models] == recorded["id"].to_list()
    assert [m.get("downloadsAllTime") for m in served.hub_models] == (
        recorded["downloadsAllTime"].to_list()
    )
    answers = sorted((folder / "openrouter" / "daily").glob("????-??-??.json*"))
    assert served.openrouter_models == read_answer(answers[-1])["data"]
    rankings = sorted((folder / "openrouter" / "rankings_daily").glob("????-??-??.json"))
    assert sorted(served.rankings) == [dt.date.fromisoformat(p.name[:10]) for p in rankings]
    assert served.rankings[max(served.rankings)] == json.loads(rankings[-1].read_text())


def test_the_standard_plan_has_every_kind_of_fault():
    kinds = {rule["fault"] for rule in STANDARD}

    assert kinds == {"rate_limited", "server_error", "html_page", "slow", "reset_mid_body"}
    styles = {rule.get("style") for rule in STANDARD if rule["fault"] == "rate_limited"}
    assert {"ratelimit", "reset", "retry-after"} <= styles
    assert len(rules(load_plan("standard"))) == len(STANDARD)
    assert load_plan("none") == []


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ({"fault": "slow"}, "a JSON list"),
        ([{"fault": "teapot"}], "rule 0: fault 'teapot'"),
        ([{"fault": "slow"}, {"fault": "slow", "sometimes": 1}], "rule 1: unknown keys"),
        ([{"fault": "rate_limited", "style": "smoke"}], "rule 0"),
        ([{"fault": "slow", "times": "often"}], "rule 0"),
    ],
)
def test_a_bad_plan_is_refused_naming_the_rule(tmp_path, plan, message):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))

    with pytest.raises(PlanError, match=message):
        load_plan(str(path))


def test_a_plan_that_is_not_json_names_its_file(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text("[{")

    with pytest.raises(PlanError, match=str(path)):
        load_plan(str(path))


def requests_faulted(plan: list[FaultRule], paths: list[str]) -> list[str | None]:
    """Which fault (by status) each request in turn gets, as a server decides."""
    got = []
    for path in paths:
        for rule in plan:
            rule.count(path)
        hit = next((rule for rule in plan if rule.take(path)), None)
        got.append(None if hit is None else str(hit.fault.status))
    return got


def test_rules_count_their_own_requests_and_a_fault_two_rules_want_comes_later():
    plan = [
        FaultRule(Fault.server_error(503), match="/a", after=1),
        FaultRule(Fault.rate_limited(1), match="/", after=1, times=2),
    ]

    # Request 2 is due for both: 503 wins, the 429 comes on request 3, the second on 4.
    assert requests_faulted(plan, ["/a", "/a", "/b", "/b", "/b"]) == [
        None,
        "503",
        "429",
        "429",
        None,
    ]


def test_a_rule_per_url_faults_the_first_request_of_every_url():
    plan = [FaultRule(Fault.rate_limited(1), match="/api/models", per_url=True)]
    paths = ["/api/models?author=a", "/api/models?author=a", "/api/models?author=b", "/x"]

    assert requests_faulted(plan, paths) == ["429", None, "429", None]
