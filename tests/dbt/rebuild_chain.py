"""A chain of raw states walked by dbt builds, each incremental build checked against a full
rebuild of the same raw state (issue 24: one rebuild window, decided once, in Python).

One small generated demo (six days, a few dozen models) goes into a raw layer day by day, as the
pipeline's raw assets would store it; each run's window comes from the run's own function
(`orchestration.lib.rebuild_window.run_rebuild_from`) and reaches dbt as the run passes it. A
full rebuild is the same `dbt build` on a warehouse that does not exist yet, in the same
DATA_DIR (the incremental one is moved aside meanwhile): the same paths, so dbt keeps its parse.
Full rebuilds are shared between checkpoints whose raw layer and project are the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
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
from tests.dbt.test_dbt_unit_tests import RAW_SCHEMAS, dbt, errors
from tests.dbt.test_spark_equivalence import normalise

DAYS = 6
SPEC = DemoSpec(models=60, days=DAYS, price_days=DAYS, rankings_days=3)
# The run's build (`PRODUCTION_BUILD`) without the data tests: they are not what is compared.
# Without artifacts or a log file, which nothing here reads (a second less per invocation).
BUILD = (
    "build",
    "--exclude-resource-type",
    "unit_test",
    "--exclude-resource-type",
    "test",
    "--no-write-json",
    "--log-level-file",
    "none",
)
# What the chain changes reaches these nodes and those after them: the Hub's raw layer (through
# its staging views) and the family rules. A run builds the rest too, from the same OpenRouter
# files and seeds every time: the chain's runs after the first leave them as built (a third of
# the nodes), the full rebuilds build everything.
CHANGED = ("stg_hub__model_snapshots+", "stg_hub__model_catalog+", "model_family_rules+")
FETCHED_AT = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
# A history of the verdicts across builds, by design: a full rebuild holds each claim's current
# verdict as version 1. What must equal it is each claim's newest row, without its version.
HISTORY = "mart_claim_verdict_history"
HISTORY_ONLY = ("version", "change")

# mart -> (columns, rows in a stable order)
Marts = dict[str, tuple[list[str], list[tuple]]]


def read_marts(warehouse: Path) -> Marts:
    """Every table of the `marts` schema (each claim's newest verdict for the history)."""
    marts: Marts = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
        for (name,) in sorted(names):
            result = con.execute(f"select * from marts.{name}")
            columns = [column[0] for column in result.description]
            rows = [tuple(map(normalise, row)) for row in result.fetchall()]
            marts[name] = comparable(name, columns, rows)
    return marts


def comparable(name: str, columns: list[str], rows: list[tuple]) -> tuple[list[str], list[tuple]]:
    if name != HISTORY:
        return columns, sorted(rows, key=repr)
    claim, version = columns.index("claim_id"), columns.index("version")
    newest: dict[str, tuple] = {}
    for row in rows:
        if row[claim] not in newest or row[version] > newest[row[claim]][version]:
            newest[row[claim]] = row
    kept = [i for i, column in enumerate(columns) if column not in HISTORY_ONLY]
    return (
        [columns[i] for i in kept],
        sorted((tuple(row[i] for i in kept) for row in newest.values()), key=repr),
    )


def differing(left: Marts, right: Marts) -> dict[str, str]:
    """The marts whose rows differ, each with a few rows of each side that the other lacks."""
    found = {}
    for mart in sorted(set(left) | set(right)):
        if mart not in left or mart not in right:
            found[mart] = "only on one side"
        elif left[mart] != right[mart]:
            a, b = set(left[mart][1]), set(right[mart][1])
            found[mart] = (
                f"incremental only {sorted(a - b, key=repr)[:3]}, full only {sorted(b - a, key=repr)[:3]}"
            )
    return found


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
            moved = [p for p in self.layout.build_dir.glob("warehouse.duckdb*")]
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


# Planted in the raw layer: a model the Hub deleted after the first day (its family is kept
# from the rules before a change), and one seen only on the day that is later evicted (a broken
# export's stray row).
GONE_AFTER_FIRST_DAY = "mistralai/Mixtral-8x7B-v0.1-gone-after-day-one"
ONLY_ON_EVICTED_DAY = "deepseek-ai/DeepSeek-only-on-the-evicted-day"
# Its lineage (the tag the live API sends): a record of `int_hub__lineage_records`.
LINEAGE = "base_model:finetune:deepseek-ai/DeepSeek-R1"
EVICTED = 3  # the day evicted and re-admitted, and refetched by the rerun


def with_model(frame: pl.DataFrame, model_id: str, *tags: str) -> pl.DataFrame:
    """The day's rows and one more: a copy of its first row under another id, with more tags."""
    row = frame.head(1).with_columns(
        id=pl.lit(model_id), tags=pl.col("tags").list.concat(pl.lit(list(tags), pl.List(pl.String)))
    )
    return pl.concat([frame, row])


def refetched(frame: pl.DataFrame) -> pl.DataFrame:
    """A later fetch of a day that differs from the first: one model missing, every seventh
    lifetime counter higher (the newest fetch of a day wins whole)."""
    counters = pl.col("downloadsAllTime")
    bumped = pl.when(pl.int_range(pl.len()) % 7 == 0).then(counters + 1000).otherwise(counters)
    return frame.slice(1).with_columns(bumped.alias("downloadsAllTime"))


def mixtral_apart(rules: str) -> str:
    """A family rule change: Mixtral models no longer counted as Mistral (a rule ahead of it)."""
    lines = rules.splitlines()
    at = next(i for i, line in enumerate(lines) if line.endswith(",Mistral"))
    priority = int(lines[at].split(",", 1)[0]) - 5
    return "\n".join([*lines[:at], f"{priority},mixtral,Mixtral", *lines[at:]]) + "\n"


def walk(chain: Chain) -> list[Checkpoint]:
    """The cases of issue 24, in order, each ending in a checkpoint. Days 0 to 5; day 2 is a
    gap, day 4 a stale copy of day 3 (the source did not refresh)."""
    chain.store(0, with_model(chain.demo_frame(0), GONE_AFTER_FIRST_DAY))
    chain.store(1, chain.demo_frame(1))
    chain.store(EVICTED, with_model(chain.demo_frame(EVICTED), ONLY_ON_EVICTED_DAY, LINEAGE))
    chain.run(chain.day(0))
    chain.checkpoint("first_days", from_nothing=True)

    chain.store(4, chain.demo_frame(EVICTED))
    chain.run(chain.day(4))
    chain.store(5, chain.demo_frame(5))
    chain.run(chain.day(5))
    chain.checkpoint("day_by_day_to_the_last_day")

    # A run over days 3 and 4 that fetched day 3 again and got other figures.
    later = FETCHED_AT + dt.timedelta(hours=1)
    chain.store(EVICTED, refetched(chain.demo_frame(EVICTED)), fetched_at=later)
    chain.run(chain.day(EVICTED))
    chain.checkpoint("rerun_mid_window")

    # The next runs are reruns of the newest day; the window reaches back on its own.
    chain.evict(EVICTED)
    chain.run(chain.day(5))
    chain.checkpoint("eviction")

    chain.readmit(EVICTED)
    chain.run(chain.day(5))
    chain.checkpoint("re_admission")

    chain.change_family_rules(mixtral_apart)
    chain.run(chain.day(5))
    chain.checkpoint("changed_family_rule")
    return chain.checkpoints
