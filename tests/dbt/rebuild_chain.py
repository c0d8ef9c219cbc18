"""A chain of raw states walked by dbt builds, each incremental build checked against a full
rebuild of the same raw state (issue 24: one rebuild window, decided once, in Python).

One small generated demo (six days, a few dozen models) goes into a raw layer day by day, as the
pipeline's raw assets would store it; each run's window comes from the run's own function
(`orchestration.lib.rebuild_window.run_rebuild_from`) and reaches dbt as the run passes it. A
full rebuild is the same `dbt build` on a warehouse that does not exist yet, in the same
DATA_DIR (the incremental one is moved aside meanwhile): the same paths, so dbt keeps its parse.
Full rebuilds are shared between checkpoints whose raw layer and project are the same. The
cases themselves are in rebuild_cases.py, the marts as compared in chain_marts.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingestion.hub.recorded import recorded_hub_source
from ingestion.prices.recorded import recorded_price_source
from ingestion.quality.quarantine import Quarantine
from ingestion.usage.recorded import recorded_rankings_source
from orchestration.lib.layout import Dataset, Layout
from orchestration.lib.rebuild_window import rebuild_env, run_rebuild_from
from orchestration.lib.resources import StorageResource
from orchestration.lib.settings import DBT_PROJECT_DIR
from simulation.demo import DemoSpec, generate_demo
from tests.dbt.chain_marts import Marts, differing, read_marts
from tests.dbt.test_dbt_unit_tests import RAW_SCHEMAS, dbt, errors

DAYS = 6
# Around 2026-03-31 (day 2), the day a cumulative download claim is read on: the claims' counters
# (`int_claims__hub_download_counters`) are rebuilt from every day by the first build and from the
# rebuilt days alone by the later ones, all after it.
SPEC = DemoSpec(models=60, days=DAYS, price_days=DAYS, rankings_days=3, start=dt.date(2026, 3, 29))
# The run's build (`PRODUCTION_BUILD`) without the data tests: they are not what is compared.
# Without artifacts, which nothing here reads (nor a log file: `dbt`).
BUILD = (
    "build",
    "--exclude-resource-type",
    "unit_test",
    "--exclude-resource-type",
    "test",
    "--no-write-json",
)
# What the chain changes reaches these nodes and those after them: the Hub's raw layer (through
# its staging views) and the family rules. A run builds the rest too, from the same OpenRouter
# files and seeds every time: the chain's runs after the first leave them as built (a third of
# the nodes), the full rebuilds build everything.
CHANGED = ("stg_hub__model_snapshots+", "stg_hub__model_catalog+", "model_family_rules+")
FETCHED_AT = dt.datetime(2026, 4, 10, tzinfo=dt.UTC)


@dataclass
class Checkpoint:
    case: str
    window: dt.date  # what `run_rebuild_from` decided for the run before it
    differences: dict[str, str]  # mart -> how the incremental build differs from the full one
    changed: set[str]  # marts whose full rebuild differs from the previous checkpoint's


@dataclass
class Chain:
    """The raw layer of one DATA_DIR, its incremental build, and full rebuilds to compare with.
    `on_checkpoint(chain, checkpoint, window, full marts)` runs after each comparison (the Spark
    chain builds there)."""

    root: Path
    on_checkpoint: Callable[[Chain, Checkpoint, Marts], None] | None = None
    checkpoints: list[Checkpoint] = field(default_factory=list)
    project: Path = DBT_PROJECT_DIR
    window: dt.date | None = None  # the last run's, as `run_rebuild_from` decided it
    _fulls: dict[str, Marts] = field(default_factory=dict)
    _last_full: Marts | None = None

    def __post_init__(self) -> None:
        self.demo = self.root / "demo"
        generate_demo(self.demo, SPEC)
        self.data_dir = self.root / "data"
        self.layout = Layout(self.data_dir)
        storage = StorageResource(data_dir=str(self.data_dir))
        self.stores = {d: storage.raw_store(d, schema) for d, schema in RAW_SCHEMAS.items()}
        self.hub = recorded_hub_source(self.demo / "hub" / "daily")
        for dataset, source in (
            (Dataset.HUB_CATALOG, recorded_hub_source(self.demo / "hub")),
            (Dataset.OPENROUTER_MODELS, recorded_price_source(self.demo / "openrouter" / "daily")),
            (
                Dataset.OPENROUTER_RANKINGS,
                recorded_rankings_source(self.demo / "openrouter" / "rankings_daily"),
            ),
        ):
            for day in source.scan()[0]:
                snapshot = source.fetch(day)
                self.stores[dataset].write(
                    day, snapshot.frame, source_uri=snapshot.location, fetched_at=FETCHED_AT
                )
        self.layout.build_dir.mkdir()
        self.quarantine = Quarantine(self.layout.quarantine_dir, Dataset.HUB_SNAPSHOTS)

    def day(self, index: int) -> dt.date:
        return SPEC.day(index)

    def demo_frame(self, index: int) -> pl.DataFrame:
        snapshot = self.hub.fetch(self.day(index))
        assert snapshot is not None, f"the demo has day {index}"
        return snapshot.frame

    def store(self, index: int, frame: pl.DataFrame, *, fetched_at: dt.datetime = FETCHED_AT):
        """A fetch of day `index` into the raw layer, as the raw asset writes an accepted one."""
        store = self.stores[Dataset.HUB_SNAPSHOTS]
        store.write(self.day(index), frame, source_uri=f"test:{index}", fetched_at=fetched_at)

    def run(self, first: dt.date) -> dt.date:
        """The incremental build of a run whose first day is `first`, with the window the run
        decides. Returns the window."""
        window = run_rebuild_from(self.layout, first)
        # After the first build, only what the chain's changes reach (see CHANGED).
        select = ("--select", *CHANGED) if self.layout.build_warehouse_path.exists() else ()
        built = dbt(
            *BUILD,
            *select,
            data_dir=self.data_dir,
            env=rebuild_env(window),
            project_dir=self.project,
        )
        assert built.returncode == 0, errors(built)
        self.window = window
        return window

    def full(self) -> Marts:
        """Every mart of a full rebuild of the raw layer as it is now (with this project)."""
        key = self.state_key()
        if key not in self._fulls:
            warehouse = self.layout.build_warehouse_path
            aside = self.layout.build_dir / "incremental"
            aside.mkdir()
            moved = list(self.layout.build_dir.glob("warehouse.duckdb*"))
            for path in moved:
                path.rename(aside / path.name)
            try:
                built = dbt(*BUILD, data_dir=self.data_dir, project_dir=self.project)
                assert built.returncode == 0, errors(built)
                self._fulls[key] = read_marts(warehouse)
            finally:
                for path in self.layout.build_dir.glob("warehouse.duckdb*"):
                    path.unlink()
                for path in moved:
                    (aside / path.name).rename(path)
                aside.rmdir()
        return self._fulls[key]

    def state_key(self) -> str:
        """The raw layer's files (their names carry a hash of their rows) and the project's
        family rules: equal keys, equal inputs."""
        digest = hashlib.sha256()
        for path in sorted(self.layout.raw_dir.rglob("*.parquet")):
            digest.update(path.relative_to(self.layout.raw_dir).as_posix().encode())
        digest.update((self.project / "seeds" / "model_family_rules.csv").read_bytes())
        return digest.hexdigest()

    def checkpoint(self, case: str, *, from_nothing: bool = False) -> Checkpoint:
        """The incremental build against a full rebuild of the same state. `from_nothing`: the
        build just made was the first, from no warehouse: it is that full rebuild."""
        built = read_marts(self.layout.build_warehouse_path)
        if from_nothing:
            self._fulls.setdefault(self.state_key(), built)
        full = self.full()
        before = self._last_full
        changed = {m for m in full if before is not None and before.get(m) != full[m]}
        point = Checkpoint(case, self.window, differing(built, full), changed)
        self.checkpoints.append(point)
        self._last_full = full
        if self.on_checkpoint is not None:
            self.on_checkpoint(self, point, full)
        return point

    def evict(self, index: int) -> None:
        self.quarantine.evict(
            self.stores[Dataset.HUB_SNAPSHOTS],
            self.day(index),
            reason="test",
            evicted_at=FETCHED_AT,
        )

    def readmit(self, index: int) -> None:
        self.quarantine.admit(
            self.day(index), note="test", admitted_at=FETCHED_AT, raw_root=self.layout.raw_dir
        )

    def change_family_rules(self, edit: Callable[[str], str]) -> None:
        """From now on, build a copy of the project whose family seed `edit` rewrote."""
        copy = self.root / "project"
        shutil.copytree(
            DBT_PROJECT_DIR, copy, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
        )
        rules = copy / "seeds" / "model_family_rules.csv"
        rules.write_text(edit(rules.read_text()))
        self.project = copy
