"""The Dagster UI as a user meets it: the webserver started on the demo pipeline's DATA_DIR, its
lineage read through GraphQL, and the asset graph and a mart's page loaded in headless Chromium.

Chromium is Debian's (`/usr/bin/chromium`, `make browser` installs it; `make test` does that
first), driven by Playwright from PyPI without Playwright's own browser download. Screenshots
go to the test's temporary folder; their paths are printed (`pytest -s`)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.data import ROOT
from tests.helpers import MARTS
from tests.plugins.pipeline import PipelineCase

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
# Headless in a closed network: without the background-networking flags Chromium keeps trying
# (and failing) to reach Google's hosts.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WEBSERVER = [sys.executable, "-m", "dagster_webserver"]
RAW_GROUP = "raw"
PUBLISHED = ("warehouse", "published_warehouse")
REPORT = ("reports", "observatory_report")  # issue 12's report, when it is in the definitions
LINEAGE_QUERY = "{ assetNodes { assetKey { path } dependencyKeys { path } groupName } }"
# What the UI shows instead of a graph when the code location or a query failed.
ERROR_TEXTS = (
    "Something went wrong",
    "Unexpected GraphQL error",
    "Error loading",
    "PythonError",
    "could not be loaded",
)
STARTUP_SECONDS = 180  # the code location loads the definitions: seconds, more on a busy machine


@dataclass(frozen=True)
class Webserver:
    url: str

    def graphql(self, query: str) -> dict:
        request = urllib.request.Request(
            f"{self.url}/graphql",
            data=json.dumps({"query": query}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            body = json.load(answer)
        assert "errors" not in body, body["errors"]
        return body["data"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def session_processes(session: int) -> list[str]:
    """The live processes of a session (ps), zombies excluded."""
    listing = subprocess.run(
        ["ps", "-e", "-o", "sid=,stat=,pid=,args="], capture_output=True, text=True, check=True
    ).stdout
    return [
        line.strip()
        for line in listing.splitlines()
        if line.split()[0] == str(session) and not line.split()[1].startswith("Z")
    ]


@pytest.fixture(scope="module")
def webserver(pipeline: PipelineCase, tmp_path_factory) -> Iterator[Webserver]:
    """`dagster-webserver` on a free port of 127.0.0.1, on the demo pipeline's DATA_DIR and
    DAGSTER_HOME, as `make ui` would show it (without the daemon). Stopped with SIGINT, as
    Ctrl-C stops it, and nothing of it may be left running."""
    if not pipeline.is_demo:
        pytest.skip("the UI is the same on the real recordings; one webserver is enough")
    port = free_port()
    log = tmp_path_factory.mktemp("webserver") / "webserver.log"
    env = {
        **os.environ,
        "DATA_DIR": str(pipeline.data_dir),
        "DAGSTER_HOME": str(pipeline.data_dir / "dagster"),
        "SOURCE_MODE": "recorded",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.pop("RECORDINGS_DIR", None)
    with log.open("w") as out:
        process = subprocess.Popen(
            [*WEBSERVER, "-h", "127.0.0.1", "-p", str(port), "-w", str(ROOT / "workspace.yaml")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Webserver(f"http://127.0.0.1:{port}")
    try:
        _wait_until_loaded(server, process, log)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    # The code server it started gets the signal too, and exits after it (seconds, on a busy
    # machine): what is still running after that is left running.
    deadline = time.monotonic() + 30
    while session_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert session_processes(process.pid) == [], "left running after Ctrl-C"


def _wait_until_loaded(server: Webserver, process: subprocess.Popen, log: Path) -> None:
    """Until the code location has loaded (or failed to: then the test fails with why)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    query = (
        "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus "
        "locationOrLoadError { __typename ... on PythonError { message } } } } } }"
    )
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the webserver exited:\n{log.read_text()[-3000:]}"
        try:
            entries = server.graphql(query)["workspaceOrError"]["locationEntries"]
        except OSError:
            time.sleep(1)
            continue
        if entries and all(e["loadStatus"] == "LOADED" for e in entries):
            errors = [
                e["locationOrLoadError"]
                for e in entries
                if e["locationOrLoadError"]["__typename"] == "PythonError"
            ]
            assert not errors, errors
            return
        time.sleep(1)
    raise AssertionError(f"the UI did not load in {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")


def descendants(edges: dict[tuple, set[tuple]], start: tuple) -> set[tuple]:
    """Every node downstream of `start` in a child -> parents map, however far."""
    children: dict[tuple, set[tuple]] = {}
    for child, parents in edges.items():
        for parent in parents:
            children.setdefault(parent, set()).add(child)
    seen, todo = set(), [start]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def test_the_ui_starts_without_first_visit_dialog_or_telemetry(webserver):
    assert webserver.graphql("{ shouldShowNux }") == {"shouldShowNux": False}
    with urllib.request.urlopen(webserver.url, timeout=60) as answer:
        page = answer.read().decode()
    assert '"telemetryEnabled": false' in page


def test_the_ui_shows_the_lineage_from_every_raw_asset_to_every_mart_and_the_report(webserver):
    nodes = webserver.graphql(LINEAGE_QUERY)["assetNodes"]
    edges = {
        tuple(node["assetKey"]["path"]): {tuple(dep["path"]) for dep in node["dependencyKeys"]}
        for node in nodes
    }
    groups = {tuple(node["assetKey"]["path"]): node["groupName"] for node in nodes}
    raw = {key for key, group in groups.items() if group == RAW_GROUP}
    inputs = raw | {key for key, group in groups.items() if group == "reference"}
    marts = {key for key, group in groups.items() if group == "marts"}

    # The UI shows the graph the definitions hold, edge for edge.
    graph = _definitions_graph()
    assert edges == graph
    assert {("marts", name) for name in MARTS} <= marts
    assert {("raw", name) for name in ("hub_model_snapshots", "openrouter_models")} <= raw
    ends = [PUBLISHED, *([REPORT] if REPORT in edges else [])]
    for source in raw:
        below = descendants(edges, source)
        assert below & marts, f"{source} feeds no mart"
        for end in ends:
            assert end in below, f"no path from {source} to {end}"
    for mart in marts:
        # Each mart rests on raw data or, like the developer dimension, on reference seeds.
        assert any(mart in descendants(edges, source) for source in inputs), f"{mart}: no input"
        for end in ends:
            assert end in descendants(edges, mart), f"no path from {mart} to {end}"


def _definitions_graph() -> dict[tuple, set[tuple]]:
    """child -> parents of every asset the definitions of the webserver's environment hold."""
    from orchestration.definitions import build_definitions
    from orchestration.lib.settings import Settings

    graph = build_definitions(Settings.from_env()).resolve_asset_graph()
    return {
        tuple(key.path): {tuple(parent.path) for parent in graph.get(key).parent_keys}
        for key in graph.get_all_asset_keys()
    }


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make browser` (Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


def open_page(browser, url: str, shot: Path, ready: str):
    """Opens `url` and waits until the CSS selector `ready` shows; saves a screenshot whatever
    happens (its path printed). The page, to be closed by the caller."""
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    try:
        page.goto(url, wait_until="domcontentloaded", timeout=90_000)
        page.locator(ready).first.wait_for(timeout=90_000)
        page.wait_for_load_state("networkidle", timeout=30_000)
    finally:
        page.screenshot(path=str(shot))
        print(f"screenshot: {shot}")
    return page


def assert_no_error(text: str, shot: Path) -> None:
    shown = [error for error in ERROR_TEXTS if error.lower() in text.lower()]
    assert not shown, f"the page shows {shown} (screenshot: {shot})"


def test_the_asset_graph_and_a_marts_page_render_in_chromium(webserver, browser, tmp_path):
    # The global lineage: one node per group, drawn in the graph's SVG (the sidebar lists the
    # groups too, so only nodes inside the drawing count).
    shot = tmp_path / "asset-graph.png"
    page = open_page(browser, f"{webserver.url}/asset-groups", shot, "svg foreignObject")
    try:
        assert_no_error(page.inner_text("body"), shot)
        groups = webserver.graphql("{ assetNodes { groupName } }")["assetNodes"]
        for group in sorted({node["groupName"] for node in groups}):
            drawn = page.locator("svg foreignObject").filter(has_text=group)
            assert drawn.count() >= 1, f"group {group} is not drawn (screenshot: {shot})"
    finally:
        page.close()

    # A mart's page: its row count and its columns, as the last run recorded them.
    shot = tmp_path / "mart_adoption.png"
    page = open_page(browser, f"{webserver.url}/assets/marts/mart_adoption", shot, "table")
    try:
        text = page.inner_text("body")
        assert_no_error(text, shot)
        for shown in ("mart_adoption", "Row count", "Columns", "period_start", "developer_id"):
            assert shown in text, f"{shown!r} is not on the page (screenshot: {shot})"
    finally:
        page.close()


def test_dbt_assets_carry_columns_and_row_counts_and_checks_read_as_sentences(webserver):
    data = webserver.graphql(
        '{ assetNodeOrError(assetKey: {path: ["marts", "mart_adoption"]}) { ... on AssetNode { '
        "assetMaterializations(limit: 1) { metadataEntries { label } } "
        "assetChecksOrError { ... on AssetChecks { checks { name description } } } } } }"
    )["assetNodeOrError"]
    (latest,) = data["assetMaterializations"]
    labels = {entry["label"] for entry in latest["metadataEntries"]}
    assert {"dagster/column_schema", "dagster/row_count"} <= labels
    checks = data["assetChecksOrError"]["checks"]
    assert checks
    for check in checks:
        assert check["description"].startswith(("`", "one row", "the table", "every")), check
        assert f"dbt test `{check['name']}`" in check["description"]


def test_a_mart_whose_rules_are_a_contract_says_them_in_its_description(webserver):
    # mart_claims has no dbt data test to show as a check but not_empty: its constraints (not
    # null, unique, the verdict's accepted values) are enforced by DuckDB as it is built.
    node = webserver.graphql(
        '{ assetNodeOrError(assetKey: {path: ["marts", "mart_claims"]}) { ... on AssetNode { '
        "description } } }"
    )["assetNodeOrError"]
    assert "**Contract**" in node["description"]
    assert "`claim_id`: unique" in node["description"]


def test_a_day_without_any_file_is_no_partition_and_a_hub_gap_says_so(webserver, pipeline, demo):
    keys = set(
        webserver.graphql(
            '{ assetNodeOrError(assetKey: {path: ["raw", "hub_model_snapshots"]}) '
            "{ ... on AssetNode { partitionKeys } } }"
        )["assetNodeOrError"]["partitionKeys"]
    )
    files = {
        path.name[:10]
        for folder in ("hub/daily", "openrouter/daily", "openrouter/rankings_daily")
        for path in (pipeline.recordings / folder).glob("20*")
    }
    assert keys == files
    # A Hub gap on a day other sources have a file for is a partition (one set for all the
    # raw assets); Dagster marks it materialized with the run's range, and its event says why.
    gap = demo.gap_days[0].isoformat()
    assert gap in keys
    (event,) = webserver.graphql(
        '{ assetNodeOrError(assetKey: {path: ["raw", "hub_model_snapshots"]}) { ... on AssetNode '
        f'{{ assetMaterializations(partitions: ["{gap}"], limit: 1) {{ metadataEntries {{ label '
        "... on TextMetadataEntry { text } } } } } }"
    )["assetNodeOrError"]["assetMaterializations"]
    this_day = {entry["label"]: entry.get("text") for entry in event["metadataEntries"]}
    assert this_day["this_day"].startswith("no snapshot"), this_day
