"""The demo data every test shares, generated once per session into a temporary folder.

Smaller than `make run`'s (a 300-day run writes thousands of Dagster events): 60 Hub days still
hold every planted fault with clean neighbours, and every price change (they fall inside the Hub
window). Price days only as many as Hub days: each day of the run's range is a partition of every
raw asset (Dagster events, a validation), whether or not it has a file. The CLI's runs on the
demo get the same size through the DEMO_* settings, so both are the same files.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from simulation.demo import DemoSpec, DemoSummary, generate_demo

TEST_DEMO_SIZES = {"DEMO_DAYS": "60", "DEMO_PRICE_DAYS": "60", "DEMO_RANKINGS_DAYS": "21"}
TEST_DEMO_SPEC = DemoSpec(days=60, price_days=60, rankings_days=21)
DEMO_DIR = Path(tempfile.mkdtemp(prefix="observatory-demo-")) / "demo"
_DEMO: DemoSummary | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _DEMO
    os.environ.update(TEST_DEMO_SIZES)
    _DEMO = generate_demo(DEMO_DIR, TEST_DEMO_SPEC)


def demo_summary() -> DemoSummary:
    assert _DEMO is not None, "the demo is generated in pytest_configure"
    return _DEMO


@pytest.fixture(scope="session")
def demo() -> DemoSummary:
    """The generated demo data set (in `DEMO_DIR`) and where its faults are."""
    return demo_summary()


def demo_catalog_file() -> Path:
    (path,) = sorted((DEMO_DIR / "hub").glob("hub_stats_*.parquet"))
    return path


def clean_demo_days(count: int) -> list[Path]:
    """`count` consecutive demo snapshot files with no planted fault among them or the day
    before: plain days for tests that plant their own faults."""
    demo = demo_summary()
    faulty = {demo.stale_day, demo.partly_stale_day, demo.correction_day, demo.bad_day}
    faulty |= set(demo.gap_days)
    days = sorted(demo.hub_days)
    for offset in range(1, len(days) - count):
        run = days[offset - 1 : offset + count]
        consecutive = (run[-1] - run[0]).days == count
        if consecutive and not faulty & set(run):
            return [DEMO_DIR / "hub" / "daily" / f"{d.isoformat()}.parquet" for d in run[1:]]
    raise AssertionError(f"no {count} clean consecutive days in the demo")
