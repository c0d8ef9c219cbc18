"""`observatory publish` against the rehearsal Hub (`simulation.rehearsal.hub_repos`), through
huggingface_hub's own client: one commit with every mart as Parquet and the card, a second
identical publish creates none, the token is used and never written or printed, demo data is
refused.

The marts come from a pipeline run on the generated demo files read as recordings
(`RECORDINGS_DIR`): observations as far as the pipeline knows, so publishable (the session's
`observed_run`, shared with test_claim_history.py).
"""

from __future__ import annotations

import datetime as dt
import io
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from huggingface_hub import constants

from cli.main import main
from orchestration.lib.layout import Layout
from simulation.rehearsal.hub_repos import HubRepoServer
from tests.plugins.pipeline import ObservedRun

pytestmark = pytest.mark.e2e

REPO = "observatory/open-model-marts"
TOKEN = "hf_rehearsalSECRETtoken0123456789abcdef"


@pytest.fixture
def observed_data_dir(observed_run: ObservedRun) -> Path:
    return observed_run.data_dir


@pytest.fixture
def hub(monkeypatch) -> HubRepoServer:
    with HubRepoServer() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        monkeypatch.setenv("HF_TOKEN", TOKEN)
        # The rehearsal serves the LFS protocol, not Xet's storage service.
        monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
        yield server


def publish(data_dir: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(out):
        patch.setenv("DATA_DIR", str(data_dir))
        patch.delenv("RECORDINGS_DIR", raising=False)
        code = main(["publish", "--repo", REPO, *args])
    return code, out.getvalue()


def test_a_publish_is_one_commit_with_every_mart_and_the_card_and_a_second_is_none(
    observed_data_dir, hub
):
    layout = Layout(observed_data_dir)
    marts = {
        p.relative_to(layout.marts_dir).as_posix(): p.read_bytes()
        for p in layout.marts_dir.rglob("*.parquet")
    }
    assert any("/" in name for name in marts)  # the daily fact, by month

    code, first = publish(observed_data_dir)
    assert code == 0, first
    repo = hub.repos[REPO]
    assert len(repo.commits) == 1
    files = repo.files
    assert set(files) == {"README.md", *(f"data/{name}" for name in marts)}
    for name, content in marts.items():
        assert files[f"data/{name}"] == content, name
    assert set(hub.lfs.values()) == set(marts.values())  # Parquet went through LFS
    card = files["README.md"].decode()
    for name in marts:
        assert f"### {name.split('/')[0].removesuffix('.parquet')}" in card
    assert "| relative_adoption | DOUBLE |" in card
    assert "Source: OpenRouter (openrouter.ai/rankings), as of" in card
    day = dt.datetime.strptime(layout.marts_dir.resolve().name[:8], "%Y%m%d").date()
    assert repo.tags == {day.isoformat(): repo.head}
    assert f"Run date: {day.isoformat()}" in card
    assert "Published to" in first

    code, second = publish(observed_data_dir)
    assert code == 0, second
    assert len(repo.commits) == 1
    assert "Nothing new to publish" in second

    sent = [seen.authorization for seen in hub.seen if seen.authorization]
    assert sent and all(auth == f"Bearer {TOKEN}" for auth in sent)
    for text in (first, second):
        assert TOKEN not in text
    for path in observed_data_dir.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path


def test_a_dry_run_writes_the_folder_and_the_card_and_sends_nothing(observed_data_dir, hub):
    code, out = publish(observed_data_dir, "--dry-run")

    assert code == 0, out
    assert hub.repos == {}
    (folder,) = (observed_data_dir / "publish").iterdir()
    assert (folder / "README.md").read_text().startswith("---\nlicense: cc-by-4.0")
    marts = Layout(observed_data_dir).marts_dir
    assert {p.relative_to(folder / "data") for p in (folder / "data").rglob("*.parquet")} == {
        p.relative_to(marts) for p in marts.rglob("*.parquet")
    }
    assert "Dry run" in out


def test_demo_data_is_refused(tmp_path, hub):
    (tmp_path / "DATA_ORIGIN").write_text("demo\n")

    code, out = publish(tmp_path)

    assert code == 2
    assert "demo data" in out
    assert hub.repos == {}


def test_the_daily_job_publishes_after_the_marts_only_when_a_repo_is_configured(monkeypatch):
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.defs.dbt.assets import PUBLISHED_WAREHOUSE_KEY
    from orchestration.defs.jobs import DAILY_JOB_NAME
    from orchestration.defs.publish.assets import HUB_DATASET_KEY

    monkeypatch.delenv("OBSERVATORY_PUBLISH_REPO", raising=False)
    without = defs().resolve_job_def(DAILY_JOB_NAME).asset_layer.executable_asset_keys
    monkeypatch.setenv("OBSERVATORY_PUBLISH_REPO", REPO)
    definitions = defs()
    with_repo = definitions.resolve_job_def(DAILY_JOB_NAME).asset_layer.executable_asset_keys
    upstream = (
        dg.AssetSelection.assets(HUB_DATASET_KEY)
        .upstream()
        .resolve(definitions.resolve_asset_graph())
    )

    assert HUB_DATASET_KEY not in without
    assert set(with_repo) == {*without, HUB_DATASET_KEY}
    assert PUBLISHED_WAREHOUSE_KEY in upstream


def test_the_asset_publishes_the_marts_of_its_data_dir(observed_data_dir, hub):
    import dagster as dg

    from orchestration.defs.publish.assets import HubPublishResource, hub_dataset
    from orchestration.lib.resources import StorageResource

    result = dg.materialize(
        [hub_dataset],
        resources={
            "storage": StorageResource(data_dir=str(observed_data_dir)),
            "hub_publish": HubPublishResource(repo=REPO, endpoint=hub.url, token=TOKEN),
        },
    )

    assert result.success
    (materialization,) = result.asset_materializations_for_node("published__hub_dataset")
    metadata = materialization.metadata
    assert metadata["created_commit"].value is True
    assert metadata["commit"].value == hub.repos[REPO].head
    assert len(hub.repos[REPO].commits) == 1
