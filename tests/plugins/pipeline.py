"""The pipeline run once per session on each data set, as `make run` runs it; and a short run
on the demo files read as recordings, shared by the tests that need observed data."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.data import SHARED_DATA, requires_real_data
from tests.plugins.demo import DEMO_DIR


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


@dataclass(frozen=True)
class ObservedRun:
    """A short pipeline run on a copy of the demo files read as recordings (`RECORDINGS_DIR`):
    observations as far as the pipeline knows, so publishable. Over the last rankings days,
    where every source has data."""

    data_dir: Path
    recordings: Path
    days: tuple[dt.date, ...]

    def copy_to(self, folder: Path) -> ObservedRun:
        """The DATA_DIR and the recordings copied into `folder`, for a test that changes them
        (the shared run is left as it was)."""
        data_dir, recordings = folder / "data", folder / "recordings"
        shutil.copytree(self.data_dir, data_dir, symlinks=True)
        shutil.copytree(self.recordings, recordings, symlinks=True)
        return ObservedRun(data_dir, recordings, self.days)


@pytest.fixture(scope="session")
def observed_run(tmp_path_factory, demo) -> ObservedRun:
    """One run shared by the tests of publishing and of the claims' history (one xdist group,
    `tests.plugins.scheduling`)."""
    root = tmp_path_factory.mktemp("observed")
    recordings = root / "recordings"
    shutil.copytree(DEMO_DIR, recordings)
    days = tuple(sorted(demo.rankings_days)[-4:])
    run = ObservedRun(root / "data", recordings, days)
    run_pipeline(
        run.data_dir,
        "--start",
        days[0].isoformat(),
        "--end",
        days[-1].isoformat(),
        recordings=recordings,
    )
    return run
