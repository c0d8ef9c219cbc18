"""`observatory backfill` against the rehearsal dataset server: the marts equal recorded mode's
over the same files, also after a kill half-way and a restart; past days cost a part of the
file (the server's count); the days stored before the kill are not fetched again."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from ingestion.hub.backfill import PAST_DAY_COLUMNS, Mirror, backfill
from ingestion.hub.hub_stats import HubStatsRepo
from simulation.rehearsal.base import Fault, FaultRule
from simulation.rehearsal.hub_stats import HubStatsServer
from tests.data import ROOT, real_catalog_file, requires_real_data
from tests.helpers import mart_hashes
from tests.plugins.demo import DEMO_DIR, demo_catalog_file
from tests.plugins.pipeline import run_pipeline

ATTRIBUTES = ("lastModified", "trendingScore", "cardData", "safetensors", "baseModels")


def hub_stats_days(days: list[Path], out: Path) -> list[dt.date]:
    """The demo's daily counters in the whole hub-stats layout, as the dataset holds them: each
    day's models with the catalog's attributes (card, lineage, parameters)."""
    catalog = pl.read_parquet(demo_catalog_file()).select("id", *ATTRIBUTES)
    out.mkdir(parents=True)
    for path in days:
        daily = pl.read_parquet(path).join(catalog, on="id", how="left")
        daily.write_parquet(out / path.name)
    return [dt.date.fromisoformat(p.stem) for p in days]


@pytest.fixture(scope="module")
def recordings(tmp_path_factory, demo) -> Path:
    """The demo's last twelve daily files, faults and all, one more left out (a day without a
    commit), and as catalog the newest day's file: what a backfill takes its catalog from."""
    folder = tmp_path_factory.mktemp("recordings")
    days = sorted((DEMO_DIR / "hub" / "daily").glob("*.parquet"))[-10:]
    served = hub_stats_days(days[:4] + days[5:], folder / "hub" / "daily")
    newest = folder / "hub" / "daily" / f"{served[-1]}.parquet"
    (folder / "hub" / f"hub_stats_{served[-1]}.parquet").write_bytes(newest.read_bytes())
    for part in ("openrouter",):
        (folder / part).symlink_to(DEMO_DIR / part)
    return folder


def span(folder: Path) -> tuple[str, str]:
    days = sorted(p.stem for p in (folder / "hub" / "daily").glob("*.parquet"))
    return days[0], days[-1]


def backfill_process(data_dir: Path, server: HubStatsServer, start: str, end: str):
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "HF_ENDPOINT": server.url,
        "HUB_STATS_REPO": server.repo,
        "RECORDINGS_DIR": str(server.folder.parent.parent),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DAGSTER_HOME", None)
    env.pop("OPENROUTER_API_KEY", None)  # rankings come from the recordings, as in recorded mode
    command = [sys.executable, "-m", "cli.main", "backfill"]
    return subprocess.Popen(
        [*command, "--start", start, "--end", end],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_killed_and_restarted_backfill_ends_as_recorded_mode(tmp_path, recordings):
    start, end = span(recordings)
    run_pipeline(tmp_path / "recorded", "--start", start, "--end", end, recordings=recordings)
    data_dir = tmp_path / "backfill"
    mirror = Mirror(data_dir / "backfill")

    with HubStatsServer(recordings / "hub" / "daily") as server:
        # Each file request answers late: the backfill is killed with part of the days read.
        server.follow([FaultRule(Fault.slow(0.4), match="/_blobs/", times=10_000)])
        first = backfill_process(data_dir, server, start, end)
        while len(list(mirror.daily_dir.glob("*.parquet"))) < 4:
            assert first.poll() is None, first.communicate()[0]
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait()
        stored = {p.stem for p in mirror.daily_dir.glob("*.parquet")}
        sent_before = dict(server.bytes_sent)
        server.reset()

        second = backfill_process(data_dir, server, start, end)
        output, _ = second.communicate(timeout=900)
        assert second.returncode == 0, output
        again = {str(day) for day, sent in server.bytes_sent.items() if sent}

    assert len(stored) >= 4 and not stored & again  # a stored day is not fetched again
    assert len(stored) + len(again) == len(server.files)
    assert f"{len(stored)} stored before" in output
    assert mart_hashes(data_dir / "warehouse.duckdb") == mart_hashes(
        tmp_path / "recorded" / "warehouse.duckdb"
    )
    # The files equal those of a backfill that never stopped.
    with HubStatsServer(recordings / "hub" / "daily") as server:
        whole = Mirror(tmp_path / "uninterrupted")
        repo = HubStatsRepo(server.repo, endpoint=server.url)
        backfill(repo, dt.date.fromisoformat(start), dt.date.fromisoformat(end), whole)
    for path in sorted(whole.daily_dir.glob("*.parquet")):
        assert pl.read_parquet(path).equals(
            pl.read_parquet(mirror.day_path(dt.date.fromisoformat(path.stem)))
        )
    assert sent_before  # the first process did fetch


@requires_real_data
def test_a_past_day_costs_at_most_a_quarter_of_the_real_layout(tmp_path):
    """The real hub-stats export (copied to a temporary folder as three days' revisions) read
    as a backfill reads a past day: the server sends at most a quarter of the file."""
    folder = tmp_path / "daily"
    folder.mkdir()
    for day in ("2026-05-19", "2026-05-20", "2026-05-21"):
        (folder / f"{day}.parquet").write_bytes(real_catalog_file().read_bytes())
    with HubStatsServer(folder) as server:
        repo = HubStatsRepo(server.repo, endpoint=server.url)
        done = backfill(repo, dt.date(2026, 5, 19), dt.date(2026, 5, 21), Mirror(tmp_path / "m"))

    size = real_catalog_file().stat().st_size
    assert len(done.days) == 3
    for day in (dt.date(2026, 5, 19), dt.date(2026, 5, 20)):
        assert 0 < server.bytes_sent[day] <= size / 4
    assert server.bytes_sent[dt.date(2026, 5, 21)] >= size  # the newest: whole, the catalog
    past = pq.ParquetFile(tmp_path / "m" / "hub" / "daily" / "2026-05-19.parquet")
    assert set(past.schema_arrow.names) == set(PAST_DAY_COLUMNS) & set(
        pq.ParquetFile(real_catalog_file()).schema_arrow.names
    )
