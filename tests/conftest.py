"""Shared fixtures. The only fakes are network servers on 127.0.0.1.

Two kinds of data feed the tests, and neither is in the repository:
- the demo data, generated here by `simulation.demo` (deterministic, always available);
- the real recordings in `../shared/data` (developers and CI have them, users do not). Tests
  that read them are marked `real_data` and skip, saying why, where the folder is missing.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from simulation.demo import DemoSpec, DemoSummary, generate_demo
from simulation.rehearsal.hub import HubServer, api_models
from simulation.rehearsal.openrouter import OpenRouterServer

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("OBSERVATORY_SHARED_DATA", ROOT.parent / "shared" / "data"))
HAS_SHARED_DATA = (SHARED_DATA / "hub" / "daily").is_dir()
requires_real_data = pytest.mark.skipif(
    not HAS_SHARED_DATA,
    reason=f"the real recordings are not at {SHARED_DATA} (developers and CI have "
    "../shared/data; users of the project do not): real-data test skipped",
)
REAL_HUB_DAILY = SHARED_DATA / "hub" / "daily"
REAL_PRICE_DAILY = SHARED_DATA / "openrouter" / "daily"
REAL_RANKINGS = SHARED_DATA / "openrouter" / "rankings_daily"

# The demo every test shares: generated once per session into a temporary folder. Smaller than
# `make run`'s (a 300-day run writes thousands of Dagster events): 60 Hub days still hold every
# planted fault with clean neighbours, and 90 price days every price change. The CLI's runs on
# the demo get the same size through the DEMO_* settings, so both are the same files.
TEST_DEMO_SIZES = {"DEMO_DAYS": "60", "DEMO_PRICE_DAYS": "90", "DEMO_RANKINGS_DAYS": "21"}
TEST_DEMO_SPEC = DemoSpec(days=60, price_days=90, rankings_days=21)
DEMO_DIR = Path(tempfile.mkdtemp(prefix="observatory-demo-")) / "demo"
_DEMO: DemoSummary | None = None
_FAKE_HUB: HubServer | None = None


def real_catalog_file() -> Path:
    (path,) = sorted((SHARED_DATA / "hub").glob("hub_stats_*.parquet"))[-1:]
    return path


def demo_catalog_file() -> Path:
    (path,) = sorted((DEMO_DIR / "hub").glob("hub_stats_*.parquet"))
    return path


def clean_demo_days(count: int) -> list[Path]:
    """`count` consecutive demo snapshot files with no planted fault among them or the day
    before: plain days for tests that plant their own faults."""
    assert _DEMO is not None
    faulty = {_DEMO.stale_day, _DEMO.partly_stale_day, _DEMO.correction_day, _DEMO.bad_day}
    faulty |= set(_DEMO.gap_days)
    days = sorted(_DEMO.hub_days)
    for offset in range(1, len(days) - count):
        run = days[offset - 1 : offset + count]
        consecutive = (run[-1] - run[0]).days == count
        if consecutive and not faulty & set(run):
            return [DEMO_DIR / "hub" / "daily" / f"{d.isoformat()}.parquet" for d in run[1:]]
    raise AssertionError(f"no {count} clean consecutive days in the demo")


def read_answer(path: Path) -> dict:
    """A raw OpenRouter answer, `.json` or `.json.gz`."""
    raw = path.read_bytes()
    return json.loads(gzip.decompress(raw) if path.suffix == ".gz" else raw)


def pytest_configure(config: pytest.Config) -> None:
    # huggingface_hub reads HF_ENDPOINT and HF_HOME at import and asks the endpoint for
    # /api/agent-harnesses: start the fake Hub before any test module imports the client.
    global _DEMO, _FAKE_HUB
    os.environ.update(TEST_DEMO_SIZES)
    _DEMO = generate_demo(DEMO_DIR, TEST_DEMO_SPEC)
    _FAKE_HUB = HubServer(api_models(pl.read_parquet(demo_catalog_file())), page_size=50).start()
    os.environ["HF_ENDPOINT"] = _FAKE_HUB.url
    os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="observatory-hf-home-")
    os.environ.pop("HF_TOKEN", None)
    # Great Expectations phones home unless told not to (the context also disables it).
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    os.environ.pop("HF_HUB_OFFLINE", None)
    # A developer's own settings must not leak into the tests' runs.
    for name in (
        "RECORDINGS_DIR",
        "HUB_SNAPSHOT_DIR",
        "HUB_CATALOG_DIR",
        "PRICES_SNAPSHOT_DIR",
        "RANKINGS_SNAPSHOT_DIR",
        "OPENROUTER_API_KEY",
    ):
        os.environ.pop(name, None)


def xdist_group(item: pytest.Item) -> str:
    """The group of a test: `make test` runs two workers (pytest-xdist, `--dist loadgroup`), and
    a group's tests run in one worker, in order. The tests on a shared pipeline run are one group
    per data set, so each pipeline runs once (a session fixture holds one parameter at a time:
    split over two workers, or interleaved, it would run again); every other file is a group of
    its own, so its module fixtures (a pipeline of its own, a server) are built once."""
    callspec = getattr(item, "callspec", None)
    if "pipeline" in getattr(item, "fixturenames", ()) and callspec is not None:
        return f"pipeline-{callspec.params['pipeline']}"
    return item.nodeid.split("::", 1)[0]


# The groups that take longest, in seconds of one worker on an idle machine (estimated from
# `--durations` reports: docs/notes/issue-13-test-time.md; only their order matters); every other
# group takes seconds. xdist hands the groups out in collection order (`make test` passes
# `--no-loadscope-reorder`; xdist's own order is by number of tests, which put these files, with
# one to four tests each, last): slowest first, so the two workers end together instead of one
# running a long group alone at the end.
SLOW_GROUPS = {
    "pipeline-demo": 390,
    "pipeline-real": 230,
    "tests/integration/test_quarantine_e2e.py": 200,
    "tests/integration/test_reliability.py": 185,
    "tests/integration/test_rehearsal_e2e.py": 125,
    "tests/integration/test_dbt_unit_tests.py": 50,
}


def pytest_itemcollected(item: pytest.Item) -> None:
    """Marks each test with its group (needs pytest < 9: pytest 9 renamed the node id that
    xdist suffixes with the group, and groups are ignored)."""
    item.add_marker(pytest.mark.xdist_group(xdist_group(item)))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest groups first (`SLOW_GROUPS`); a stable sort, so each group keeps its order."""

    items.sort(key=lambda item: SLOW_GROUPS.get(xdist_group(item), 0), reverse=True)


# `--durations` names a shared fixture's time after the test that first needed it ("setup" of
# some test of the group). The fixtures that took a second or more to set up are named too, at the
# end, by name and parameter: they travel with the setup report (`user_properties`), so each
# xdist worker's reach the terminal.
FIXTURE_SECONDS = "fixture_setup_seconds"
_fixture_times: list[tuple[str, float]] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest):
    started = time.monotonic()
    yield
    seconds = time.monotonic() - started  # its own time: what it needs is set up before
    if fixturedef.scope != "function" and seconds >= 1:
        param = f"[{request.param}]" if isinstance(getattr(request, "param", None), str) else ""
        _fixture_times.append((f"{fixturedef.argname}{param} ({fixturedef.scope})", seconds))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    if call.when == "setup" and _fixture_times:
        report = outcome.get_result()
        report.user_properties.extend((FIXTURE_SECONDS, timed) for timed in _fixture_times)
        _fixture_times.clear()


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter) -> None:
    timed = [
        (value, report.nodeid)
        for reports in terminalreporter.stats.values()
        for report in reports
        for key, value in getattr(report, "user_properties", ())
        if key == FIXTURE_SECONDS
    ]
    if not timed:
        return
    terminalreporter.write_sep("=", "slowest shared fixtures (their setup, counted once)")
    for (name, seconds), nodeid in sorted(timed, key=lambda row: -row[0][1])[:10]:
        terminalreporter.write_line(f"{seconds:8.2f}s {name}, set up for {nodeid}")


def pytest_unconfigure(config: pytest.Config) -> None:
    if _FAKE_HUB is not None:
        _FAKE_HUB.stop()


@pytest.fixture(scope="session")
def demo() -> DemoSummary:
    """The generated demo data set (in `DEMO_DIR`) and where its faults are."""
    assert _DEMO is not None
    return _DEMO


def run_pipeline(data_dir: Path, *args: str, recordings: Path | None = None) -> None:
    """`observatory run` as `make run` runs it, on the demo (default) or on recordings."""
    from cli.main import main

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATA_DIR", str(data_dir))
        patch.setenv("SOURCE_MODE", "recorded")
        patch.delenv("DAGSTER_HOME", raising=False)
        if recordings is not None:
            patch.setenv("RECORDINGS_DIR", str(recordings))
        assert main(["run", *args]) == 0


# The real-data run covers every Hub day and the months around them; the price history before
# May 2026 is checked by the price tests on its own.
REAL_RUN_RANGE = ("--start", "2026-05-01", "--end", "2026-07-31")


@dataclass(frozen=True)
class PipelineCase:
    """A DATA_DIR where the pipeline ran once, as `make run` runs it, on the demo data or on the
    real recordings, with what a test needs to recompute the marts from the source files."""

    name: str
    data_dir: Path
    recordings: Path
    run_args: tuple[str, ...] = ()

    @property
    def is_demo(self) -> bool:
        return self.name == "demo"

    @property
    def warehouse(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def hub_daily(self) -> Path:
        return self.recordings / "hub" / "daily"

    @property
    def price_daily(self) -> Path:
        return self.recordings / "openrouter" / "daily"

    @property
    def rankings_daily(self) -> Path:
        return self.recordings / "openrouter" / "rankings_daily"

    def catalog_file(self) -> Path:
        return sorted((self.recordings / "hub").glob("hub_stats_*.parquet"))[-1]

    def in_run(self, paths: list[Path]) -> list[Path]:
        """The dated files (`YYYY-MM-DD.*`) whose day the run covers, in day order."""
        dated = sorted(paths, key=lambda path: path.name)
        if not self.run_args:
            return dated
        start, end = self.run_args[1], self.run_args[3]
        return [path for path in dated if start <= path.name[:10] <= end]

    def run(self, *args: str) -> None:
        """Run the pipeline again on the same DATA_DIR (the first run's range by default)."""
        recordings = None if self.is_demo else self.recordings
        run_pipeline(self.data_dir, *(args or self.run_args), recordings=recordings)


@pytest.fixture(
    scope="session",
    params=["demo", pytest.param("real", marks=requires_real_data)],
)
def pipeline(request, tmp_path_factory) -> PipelineCase:
    """The pipeline run once per session on each data set. Tests that run it again must leave
    the marts as they found them."""
    data_dir = tmp_path_factory.mktemp(f"{request.param}-data")
    if request.param == "demo":
        case = PipelineCase("demo", data_dir, data_dir / "demo")
    else:
        case = PipelineCase("real", data_dir, SHARED_DATA, REAL_RUN_RANGE)
    case.run()
    return case


@pytest.fixture
def fake_hub() -> Iterator[HubServer]:
    assert _FAKE_HUB is not None
    _FAKE_HUB.reset()
    page_size = _FAKE_HUB.page_size
    yield _FAKE_HUB
    _FAKE_HUB.reset()
    _FAKE_HUB.page_size = page_size


@pytest.fixture(
    scope="session",
    params=[
        # The demo's last day with its `:batch` variant listed.
        lambda: DEMO_DIR / "openrouter" / "daily" / f"{_DEMO.batch_days[1].isoformat()}.json.gz",
        pytest.param(
            lambda: sorted((SHARED_DATA / "openrouter").glob("models_*.json"))[-1],
            marks=requires_real_data,
        ),
    ],
    ids=["demo", "real"],
)
def price_models(request) -> list[dict]:
    """The models of one OpenRouter answer: one of the demo's, and the real
    `output_modalities=all` answer of the recordings (skipped where they are absent)."""
    return read_answer(request.param())["data"]


@pytest.fixture(scope="session")
def openrouter_models(demo) -> list[dict]:
    """The models of the demo's newest OpenRouter answer."""
    newest = sorted((DEMO_DIR / "openrouter" / "daily").glob("*.json*"))[-1]
    return read_answer(newest)["data"]


@pytest.fixture
def fake_openrouter(openrouter_models) -> Iterator[OpenRouterServer]:
    server = OpenRouterServer(openrouter_models).start()
    yield server
    server.stop()
