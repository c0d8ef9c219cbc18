"""The one place that decides paths and environment.

Nothing here runs at import time: call `Settings.from_env()` where settings are needed, so
tests can point a whole pipeline at a temporary folder through the environment.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from orchestration.lib.layout import Layout

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEVELOPER_REGISTRY_CSV = DBT_PROJECT_DIR / "seeds" / "developer_registry.csv"

SourceMode = Literal["recorded", "live"]
SOURCE_MODES: tuple[SourceMode, ...] = ("recorded", "live")
DEFAULT_HF_ENDPOINT = "https://huggingface.co"
DEFAULT_OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1"
# The live Hub source: the hub-stats dataset (the whole Hub, with its past) or the model list
# of the registry's organisations (`HUB_SOURCE=api`, today only).
HUB_SOURCES = ("hub-stats", "api")
DEFAULT_HUB_STATS_REPO = "cfahlgren1/hub-stats"
# A secret: read from the environment where it is used (`dg.EnvVar`), never kept in settings.
OPENROUTER_API_KEY_ENV = "OPENROUTER_API_KEY"
PUBLISH_REPO_ENV = "OBSERVATORY_PUBLISH_REPO"


# The size of the generated demo (`simulation.demo.DemoSpec`), when a smaller or larger one is
# wanted than the default: setting -> the spec's field.
DEMO_SIZE_SETTINGS = {
    "DEMO_MODELS": "models",
    "DEMO_DAYS": "days",
    "DEMO_PRICE_DAYS": "price_days",
    "DEMO_RANKINGS_DAYS": "rankings_days",
}


class SettingsError(ValueError):
    """A setting has a value the pipeline cannot use."""


@dataclass(frozen=True)
class Settings:
    """Where each source's files are, and where the pipeline writes.

    Recorded mode reads a folder in the layout of `../shared/data` (`RECORDINGS_DIR`): Hub daily
    snapshots in `hub/daily/`, catalog exports in `hub/`, OpenRouter answers in
    `openrouter/daily/` and usage rankings in `openrouter/rankings_daily/`. Without
    `RECORDINGS_DIR` that folder is `$DATA_DIR/demo`, which the CLI fills with generated demo
    data (`simulation.demo`): the project ships no third-party data. Each source's own setting
    (`HUB_SNAPSHOT_DIR`, ...) still overrides its folder.
    """

    data_dir: Path
    source_mode: SourceMode
    recordings_dir: Path
    uses_demo: bool
    hub_snapshot_dir: Path
    hub_catalog_dir: Path
    hf_endpoint: str
    hf_token: str | None
    openrouter_base_url: str
    prices_snapshot_dir: Path
    rankings_snapshot_dir: Path
    has_openrouter_key: bool = False  # whether OPENROUTER_API_KEY is set; never the key itself
    demo_sizes: tuple[tuple[str, int], ...] = ()  # DemoSpec fields set by DEMO_* settings
    # The Hub dataset repository the daily job publishes the marts to (OWNER/NAME), if any.
    publish_repo: str | None = None
    hub_source: str = HUB_SOURCES[0]
    hub_stats_repo: str = DEFAULT_HUB_STATS_REPO
    # Free space a run asks for before it writes (MIN_FREE_MB; orchestration.lib.disk).
    min_free_mb: int = 256

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        mode = env.get("SOURCE_MODE", "recorded").strip().lower()
        if mode not in SOURCE_MODES:
            raise SettingsError(f"SOURCE_MODE={mode!r} is not one of {', '.join(SOURCE_MODES)}")
        data_dir = _path(env.get("DATA_DIR"), PROJECT_ROOT / "data")
        hub_source = env.get("HUB_SOURCE", HUB_SOURCES[0]).strip().lower()
        if hub_source not in HUB_SOURCES:
            raise SettingsError(f"HUB_SOURCE={hub_source!r} is not one of {', '.join(HUB_SOURCES)}")
        hub_stats_repo = env.get("HUB_STATS_REPO") or DEFAULT_HUB_STATS_REPO
        if hub_stats_repo.count("/") != 1:
            raise SettingsError(
                f"HUB_STATS_REPO={hub_stats_repo!r} is not a dataset id (owner/name)"
            )
        uses_demo = not env.get("RECORDINGS_DIR")
        recordings = _path(env.get("RECORDINGS_DIR"), Layout(data_dir).demo_dir)
        if not uses_demo and not recordings.is_dir():
            raise SettingsError(f"RECORDINGS_DIR={recordings} is not a folder")
        return cls(
            data_dir=data_dir,
            source_mode=mode,  # type: ignore[arg-type]  # checked against SOURCE_MODES above
            recordings_dir=recordings,
            uses_demo=uses_demo,
            hub_snapshot_dir=_path(env.get("HUB_SNAPSHOT_DIR"), recordings / "hub" / "daily"),
            hub_catalog_dir=_path(env.get("HUB_CATALOG_DIR"), recordings / "hub"),
            hf_endpoint=env.get("HF_ENDPOINT") or DEFAULT_HF_ENDPOINT,
            hf_token=env.get("HF_TOKEN") or None,
            openrouter_base_url=env.get("OPENROUTER_BASE_URL") or DEFAULT_OPENROUTER_BASE_URL,
            prices_snapshot_dir=_path(
                env.get("PRICES_SNAPSHOT_DIR"), recordings / "openrouter" / "daily"
            ),
            rankings_snapshot_dir=_path(
                env.get("RANKINGS_SNAPSHOT_DIR"), recordings / "openrouter" / "rankings_daily"
            ),
            has_openrouter_key=bool(env.get(OPENROUTER_API_KEY_ENV)),
            demo_sizes=tuple(
                (field, _positive_int(name, env[name]))
                for name, field in DEMO_SIZE_SETTINGS.items()
                if env.get(name)
            ),
            publish_repo=env.get(PUBLISH_REPO_ENV) or None,
            hub_source=hub_source,
            hub_stats_repo=hub_stats_repo,
            min_free_mb=_whole_number("MIN_FREE_MB", env.get("MIN_FREE_MB", "256")),
        )

    @property
    def rankings_available(self) -> bool:
        """Recorded rankings are files; live ones need an OpenRouter key."""
        return self.source_mode == "recorded" or self.has_openrouter_key

    @property
    def layout(self) -> Layout:
        """Where everything of this `DATA_DIR` lives (`orchestration.lib.layout`)."""
        return Layout(self.data_dir)


def _positive_int(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise SettingsError(f"{name}={value!r} is not a whole number above zero")
    return number


def _whole_number(name: str, value: str) -> int:
    if not value.strip().isdigit():
        raise SettingsError(f"{name}={value!r} is not a whole number (0 or more)")
    return int(value)


def _path(value: str | None, default: Path) -> Path:
    # Relative paths are taken from the caller's working directory, as a shell user expects.
    return Path(value).expanduser().resolve() if value else default


# The env variable that tells the wrapper (`DBT_WRAPPER`) which dbt to run.
REAL_DBT_ENV = "OBSERVATORY_REAL_DBT"
# ... and which process must be alive for dbt to start (the run that starts it).
DBT_PARENT_ENV = "OBSERVATORY_DBT_PARENT"
DBT_WRAPPER = Path(__file__).with_name("dbt_die_with_parent.py")


def real_dbt() -> str:
    """The `dbt` of this interpreter's environment, so a venv need not be on PATH."""
    sibling = Path(sys.executable).parent / "dbt"
    return str(sibling) if sibling.exists() else (shutil.which("dbt") or "dbt")


def dbt_executable() -> str:
    """What Dagster runs as dbt: a wrapper that makes dbt die with the run that started it
    (`dbt_die_with_parent.py`), then runs `real_dbt()` (named in `REAL_DBT_ENV`)."""
    return str(DBT_WRAPPER)
