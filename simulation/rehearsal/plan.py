"""Fault plans: which requests of a rehearsal get which fault, as configuration.

A plan is a JSON list of rules (`observatory rehearse --faults plan.json`), each
`{"match": ..., "fault": KIND, ...}`: the rule faults the API requests whose path and query
contain `match` ("" for every one), letting `after` of them through first (default 0), `times`
times (default 1), counted per distinct URL with `"per_url": true`. Both servers get the plan;
`match` decides whose requests it concerns (`/api/models` is the Hub's, `/api/v1/` OpenRouter's,
`/commits/` and `/_blobs/` the hub-stats dataset's).
KIND and its parameters (`simulation.rehearsal.base.Fault`):

    rate_limited    429; "seconds" (1), "style": "retry-after" | "ratelimit" | "reset"
    server_error    "status" (503), "seconds" (a `Retry-After`; none by default)
    html_page       an HTML error page; "status" (502)
    slow            the answer after "seconds" (2)
    reset_mid_body  the answer's first "after_bytes" (64) bytes, then a connection reset

`STANDARD` is what `make rehearse` injects: every kind, spaced so that each request faulted is
followed by one that succeeds, except one OpenRouter request that fails more often than the
client retries, so that Dagster's retry policy runs the step again. A run under it ends as a
run without faults does, only later.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from ingestion.http import MAX_ATTEMPTS
from simulation.rehearsal.base import Fault, FaultRule

KINDS = {
    "rate_limited": lambda p: Fault.rate_limited(
        int(p.get("seconds", 1)), p.get("style", "retry-after")
    ),
    "server_error": lambda p: Fault.server_error(
        int(p.get("status", 503)), None if "seconds" not in p else int(p["seconds"])
    ),
    "html_page": lambda p: Fault.html_page(int(p.get("status", 502))),
    "slow": lambda p: Fault.slow(float(p.get("seconds", 2))),
    "reset_mid_body": lambda p: Fault.reset_mid_body(int(p.get("after_bytes", 64))),
}
RULE_KEYS = {"match", "fault", "after", "times", "per_url"}
PARAMETERS = {"seconds", "style", "status", "after_bytes"}

HUB = "/api/models"
PRICES = "/api/v1/models"
RANKINGS = "/api/v1/datasets/rankings-daily"
STANDARD: list[dict[str, Any]] = [
    # The first second page of an org is cut mid-body (first: it wins a request two rules want).
    {"match": "cursor=", "fault": "reset_mid_body", "after_bytes": 200},
    # The Hub: the first, third, fifth... model-list request gets a fault, the next one passes.
    {"match": HUB, "fault": "rate_limited", "style": "ratelimit", "seconds": 1},
    {"match": HUB, "after": 2, "fault": "rate_limited", "style": "reset", "seconds": 1},
    {"match": HUB, "after": 4, "fault": "rate_limited", "style": "retry-after", "seconds": 1},
    {"match": HUB, "after": 6, "fault": "server_error", "status": 503},
    {"match": HUB, "after": 8, "fault": "html_page", "status": 502},
    {"match": HUB, "after": 10, "fault": "slow", "seconds": 2},
    # OpenRouter's model list fails more often than the client retries: Dagster retries the step.
    {"match": PRICES, "fault": "server_error", "status": 503, "times": MAX_ATTEMPTS},
    {"match": PRICES, "after": MAX_ATTEMPTS, "fault": "rate_limited", "seconds": 1},
    {"match": RANKINGS, "fault": "server_error", "status": 500},
    # The hub-stats dataset (`--hub-source hub-stats`): its commit listing and its file reads.
    {"match": "/commits/", "fault": "server_error", "status": 503},
    {"match": "/_blobs/", "fault": "rate_limited", "style": "ratelimit", "seconds": 1},
    {"match": "/_blobs/", "after": 2, "fault": "reset_mid_body", "after_bytes": 64},
]


class PlanError(ValueError):
    """A fault plan that cannot be followed: names the rule and what is wrong with it."""


def rules(plan: list[dict[str, Any]]) -> list[FaultRule]:
    """The rules of a plan, each with its own counters."""
    if not isinstance(plan, list):
        raise PlanError("a fault plan is a JSON list of rules")
    built = []
    for number, rule in enumerate(copy.deepcopy(plan)):
        if not isinstance(rule, dict):
            raise PlanError(f"rule {number}: a rule is a JSON object")
        unknown = set(rule) - RULE_KEYS - PARAMETERS
        if unknown:
            raise PlanError(f"rule {number}: unknown keys {sorted(unknown)}")
        kind = rule.get("fault")
        if kind not in KINDS:
            raise PlanError(f"rule {number}: fault {kind!r} is not one of {', '.join(KINDS)}")
        try:
            fault = KINDS[kind](rule)
            built.append(
                FaultRule(
                    fault,
                    match=str(rule.get("match", "")),
                    after=int(rule.get("after", 0)),
                    times=int(rule.get("times", 1)),
                    per_url=bool(rule.get("per_url", False)),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PlanError(f"rule {number}: {exc!r}") from exc
    return built


def load_plan(spec: str) -> list[dict[str, Any]]:
    """`standard`, `none`, or the path of a JSON plan."""
    if spec == "standard":
        return copy.deepcopy(STANDARD)
    if spec == "none":
        return []
    path = Path(spec)
    try:
        plan = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise PlanError(f"{path}: not a readable JSON fault plan: {exc}") from exc
    rules(plan)  # refuse a bad plan before any server starts
    return plan


def describe(plan: list[dict[str, Any]]) -> list[str]:
    return [
        f"{rule.fault.describe()} on {rule.times} request(s) matching {rule.match or 'any'!r}"
        + (f" after {rule.after}" if rule.after else "")
        + (" (each URL)" if rule.per_url else "")
        for rule in rules(plan)
    ]


# The soak (`bench/soak.py`) plays daily runs with faults drawn from this plan: faults of a
# day's file (`simulation.rehearsal.day_faults`, by weight) and faults of a run.
SOAK_DAY_FAULTS: dict[str, int] = {
    "stale": 1,
    "partly_stale": 1,
    "rollback": 1,
    "truncated": 1,
    "wrong_type": 1,
    "misdated": 1,
    "inflated": 1,
}
# kill: SIGKILL at a random moment of the run; disk_full: DATA_DIR's file system filled to
# twice the warehouse (needs root for a tmpfs); concurrent: the run lock held by another run.
SOAK_RUN_FAULTS: dict[str, int] = {"kill": 2, "disk_full": 1, "concurrent": 1}
