"""The hub-stats dataset as the live Hub source, through huggingface_hub against the rehearsal
dataset server (`simulation.rehearsal.hub_stats`): commits listed page by page, one revision per
day, ranged reads of a few columns, the exact waits of a rate limit, faults that outlast them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from ingestion.errors import FetchError
from ingestion.http import RetryPolicy
from ingestion.hub.hub_stats import HubStatsRepo, daily_revisions, exact_waits
from ingestion.hub.hub_stats_live import LiveHubStatsClient
from ingestion.hub.recorded import read_snapshot_file
from ingestion.live import LiveSource
from orchestration.lib.settings import Settings, SettingsError
from simulation.rehearsal.base import Fault
from simulation.rehearsal.hub_stats import HubStatsServer
from tests.plugins.demo import clean_demo_days


@pytest.fixture
def folder(tmp_path, demo) -> Path:
    """Eight clean demo days with one missing in the middle (a day without a commit)."""
    days = clean_demo_days(8)
    for path in days[:3] + days[4:]:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    return tmp_path


@pytest.fixture
def server(folder):
    with HubStatsServer(folder, commits_page_size=5) as running:
        yield running


def repo(server: HubStatsServer) -> HubStatsRepo:
    return HubStatsRepo(server.repo, endpoint=server.url, token="hf_test")


def test_one_revision_per_day_is_the_last_commit_that_names_the_file(server, folder):
    with exact_waits(RetryPolicy()):
        revisions = repo(server).revisions()

    days = sorted(dt.date.fromisoformat(p.stem) for p in folder.glob("*.parquet"))
    assert list(revisions) == days
    # The other file's later commit of the same day is not the day's revision.
    assert all(revisions[d].sha == server.sha_of(d) for d in days)
    commit_pages = [r for r in server.requests if "/commits/" in r]
    assert len(commit_pages) == -(-len(server.commits) // 5)  # every page, each once


def test_daily_revisions_leaves_a_day_without_an_upload_out():
    class Commit:
        def __init__(self, sha: str, at: str, title: str) -> None:
            self.commit_id, self.title = sha, title
            self.created_at = dt.datetime.fromisoformat(at)

    commits = [
        Commit("c", "2025-03-02T23:59:00+00:00", "Upload datasets.parquet with huggingface_hub"),
        Commit("b", "2025-03-01T22:00:00+00:00", "Upload models.parquet with huggingface_hub"),
        Commit("a", "2025-03-01T05:00:00+00:00", "Upload models.parquet with huggingface_hub"),
        Commit("z", "2025-03-03T01:00:00+02:00", "Upload models.parquet with huggingface_hub"),
    ]
    revisions = daily_revisions(commits)

    # 01:00 at +02:00 is 23:00 UTC the day before: the 2nd has an upload, the 3rd none.
    assert {d.isoformat(): r.sha for d, r in revisions.items()} == {
        "2025-03-01": "b",
        "2025-03-02": "z",
    }


def test_a_few_columns_cost_a_part_of_the_file(server, folder):
    day = max(server.files)
    with exact_waits(RetryPolicy()):
        frame, read = repo(server).read(server.sha_of(day), ["id", "downloadsAllTime", "gone"])

    expected = pl.read_parquet(folder / f"{day}.parquet", columns=["id", "downloadsAllTime"])
    assert frame.equals(expected)
    assert read.size == (folder / f"{day}.parquet").stat().st_size
    assert read.fetched == server.bytes_sent[day]
    assert any("bytes=" in s.path or "/_blobs/" in s.path for s in server.seen)


def test_a_rate_limit_is_waited_out_exactly_and_a_lasting_fault_names_the_url(server):
    waits: list[float] = []
    policy = RetryPolicy(sleep=waits.append)
    server.fail_next(Fault.rate_limited(7, style="ratelimit"), Fault.server_error(502))
    with exact_waits(policy):
        revisions = repo(server).revisions()
    assert revisions
    assert waits == [7.0, 2.0]  # what the server asked, then the backoff after a bare 502

    server.fail_next(*[Fault.server_error(503)] * policy.attempts)
    with exact_waits(policy), pytest.raises(FetchError, match=r"/commits/main.*4 attempts"):
        repo(server).revisions()


def test_the_live_source_serves_the_newest_revision_on_or_before_a_day(server, folder):
    days = sorted(server.files)
    missing = next(d for d in days if d + dt.timedelta(days=1) not in server.files)
    source = LiveSource(LiveHubStatsClient(repo(server)), today=lambda: days[-1])

    gap_day = source.fetch(missing + dt.timedelta(days=1))
    before = source.fetch(days[0] - dt.timedelta(days=1))

    assert before is None
    assert source.fetch(days[-1] + dt.timedelta(days=1)) is None  # tomorrow: not yet
    recorded = read_snapshot_file(folder / f"{missing}.parquet", missing)
    assert gap_day is not None and gap_day.frame.equals(recorded.frame)
    assert server.sha_of(missing) in gap_day.location
    assert sum("/commits/" in r and "p=" not in r for r in server.requests) == 1


def test_hub_source_settings():
    assert Settings.from_env({}).hub_source == "hub-stats"
    assert Settings.from_env({"HUB_SOURCE": "API"}).hub_source == "api"
    with pytest.raises(SettingsError, match="HUB_SOURCE"):
        Settings.from_env({"HUB_SOURCE": "scrape"})
    with pytest.raises(SettingsError, match="HUB_STATS_REPO"):
        Settings.from_env({"HUB_STATS_REPO": "hub-stats"})


def test_hf_hub_download_resolves_a_revision_through_the_redirect(server, folder, tmp_path):
    from huggingface_hub import hf_hub_download

    day = min(server.files)
    path = hf_hub_download(
        server.repo,
        "models.parquet",
        repo_type="dataset",
        revision=server.sha_of(day),
        endpoint=server.url,
        cache_dir=tmp_path / "cache",
    )

    assert Path(path).read_bytes() == (folder / f"{day}.parquet").read_bytes()
    assert server.bytes_sent[day] == (folder / f"{day}.parquet").stat().st_size
