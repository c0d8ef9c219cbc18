"""`observatory publish`: the published marts as an open dataset on the Hub.

The published marts' Parquet files (`$DATA_DIR/marts/`: `<mart>.parquet`, and the daily fact
by month, `<mart>/YYYY-MM.parquet`) and a dataset card written from dbt's docs
(`orchestration.lib.dataset_card`) are staged in `$DATA_DIR/publish/<run date>/`
(`data/` with the same names, `README.md`) and uploaded as one commit
to a Hub dataset repository through huggingface_hub, then tagged with the run date. The client
asks the Hub which files it already holds and drops unchanged ones, and makes no commit when
nothing is left: publishing the same marts twice creates one commit. `dry_run` stops after
staging. Generated demo data is refused. The token comes from the environment (`HF_TOKEN`,
read by `Settings`) and goes only into the client's Authorization header: it is never written
or printed.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from orchestration.lib.dataset_card import coverage, describe_tables, render_card
from orchestration.lib.layout import Layout
from orchestration.lib.origin import is_demo
from orchestration.lib.settings import DBT_PROJECT_DIR, PROJECT_ROOT, SettingsError

REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*$")
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
GIT_TIMEOUT_SECONDS = 10


class PublishError(SettingsError):
    """The marts cannot be published as asked."""


@dataclass(frozen=True)
class Published:
    repo: str
    folder: Path
    files: tuple[str, ...]
    run_date: dt.date
    commit: str | None  # the repository's head after the publish; None on a dry run
    created_commit: bool


def code_commit() -> str:
    """The Observatory's own git commit (`unknown` outside a git checkout)."""
    try:
        found = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return found.stdout.strip() or "unknown"


def run_date(marts: Path) -> dt.date:
    """The UTC day the published marts were exported (their version folder's stamp)."""
    stamp = marts.resolve().name
    try:
        return dt.datetime.strptime(stamp[:8], "%Y%m%d").date()
    except ValueError as exc:
        raise PublishError(f"{marts} is not a published marts version ({stamp!r})") from exc


def stage(data_dir: Path, manifest: Path = MANIFEST) -> tuple[Path, dt.date, tuple[str, ...]]:
    """The folder to upload, written whole: the marts' Parquet files and the card."""
    layout = Layout(data_dir)
    if is_demo(data_dir):
        raise PublishError(
            f"DATA_DIR={data_dir} holds generated demo data: publish refuses it "
            "(run on observations, with RECORDINGS_DIR or in live mode)"
        )
    parquet = sorted(p.relative_to(layout.marts_dir) for p in layout.marts_dir.rglob("*.parquet"))
    if not layout.warehouse_path.exists() or not parquet:
        raise PublishError(f"no published marts in {layout.marts_dir}: run the pipeline first")
    if not manifest.exists():
        raise PublishError(f"no dbt manifest at {manifest}: run `dbt parse` (make run does)")
    day = run_date(layout.marts_dir)
    folder = data_dir / "publish" / day.isoformat()
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "data").mkdir(parents=True)
    for path in parquet:
        (folder / "data" / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(layout.marts_dir / path, folder / "data" / path)
    tables = describe_tables(layout.warehouse_path, manifest)
    card = render_card(tables, coverage(layout.warehouse_path), code_commit(), day)
    (folder / "README.md").write_text(card, encoding="utf-8")
    files = ("README.md", *(f"data/{p.as_posix()}" for p in parquet))
    return folder, day, files


def publish(
    data_dir: Path, repo: str, *, endpoint: str, token: str | None, dry_run: bool = False
) -> Published:
    """Stage the marts of `data_dir` and, unless `dry_run`, upload them to the dataset `repo`
    of the Hub at `endpoint` with `token` (a write token, from the environment)."""
    if not REPO_ID.match(repo):
        raise PublishError(f"--repo {repo!r} is not OWNER/NAME")
    folder, day, files = stage(data_dir)
    if dry_run:
        return Published(repo, folder, files, day, None, False)
    if not token:
        raise PublishError("publishing needs HF_TOKEN in the environment (a write token)")
    # Imported here: the client reads HF_ENDPOINT and HF_HOME when it is imported.
    from huggingface_hub import HfApi
    from huggingface_hub.utils import disable_progress_bars

    disable_progress_bars()  # one line per step in the CLI and Dagster's log, not bars
    api = HfApi(endpoint=endpoint, token=token)
    api.create_repo(repo, repo_type="dataset", exist_ok=True)
    before = api.repo_info(repo, repo_type="dataset").sha
    info = api.upload_folder(
        repo_id=repo,
        repo_type="dataset",
        folder_path=folder,
        commit_message=f"Observatory marts of {day.isoformat()}",
    )
    api.create_tag(repo, tag=day.isoformat(), revision=info.oid, repo_type="dataset", exist_ok=True)
    return Published(repo, folder, files, day, info.oid, info.oid != before)
