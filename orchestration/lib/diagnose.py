"""After a failed run: which stored days are beyond the gate's limits, and how to unblock.

dbt names the model that failed, not the raw day behind it. A day can sit in the append-only
raw layer beyond the limits of `ingestion.quality.limits` when it was stored before a limit
existed or was re-admitted by an operator; such a day breaks the build on every later run. On
failure the CLI re-applies the limits to the newest fetch of every stored day (a few columns
each, so a year of days reads in about a second) and names the day, dataset, file and field,
then says how to move the day out (`observatory quarantine --evict`, docs/quality.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingestion.hub.quality import COUNTERS
from ingestion.prices.quality import ID_COLUMN, PRICE_TEXT_COLUMNS, prices_fit_results
from ingestion.quality.limits import counter_within_range, day_not_in_future
from ingestion.quality.results import RuleResult
from ingestion.raw_store import RawStore
from ingestion.usage.quality import tokens_within_range
from orchestration.lib.layout import Dataset

DOCS = "docs/quality.md, section 'Evicting a stored day'"


@dataclass(frozen=True)
class StoredLimits:
    columns: tuple[str, ...]
    rules: Callable[[pl.DataFrame], list[RuleResult]]
    allow_today: bool  # as the source's own day rule


STORED_LIMITS: dict[Dataset, StoredLimits] = {
    Dataset.HUB_SNAPSHOTS: StoredLimits(
        ("id", *COUNTERS),
        lambda frame: [counter_within_range(frame, c, id_column="id") for c in COUNTERS],
        allow_today=True,
    ),
    Dataset.OPENROUTER_MODELS: StoredLimits(
        (ID_COLUMN, *PRICE_TEXT_COLUMNS), prices_fit_results, allow_today=True
    ),
    Dataset.OPENROUTER_RANKINGS: StoredLimits(
        ("model_permaslug", "total_tokens"),
        lambda frame: [tokens_within_range(frame)],
        allow_today=False,
    ),
}


@dataclass(frozen=True)
class StoredProblem:
    dataset: Dataset
    day: dt.date
    path: Path
    result: RuleResult

    def describe(self) -> str:
        return f"{self.dataset} {self.day} ({self.path}): {self.result.describe()}"


def stored_days_beyond_limits(
    raw_root: Path, *, today: dt.date | None = None
) -> list[StoredProblem]:
    """Every stored day (its newest fetch, what dbt reads) that fails a limit, by dataset."""
    problems = []
    for dataset, limits in STORED_LIMITS.items():
        store = RawStore(raw_root, dataset)
        for day in store.days():
            newest = store.fetches(day)[-1]
            results = [day_not_in_future(day, today=today, allow_today=limits.allow_today)]
            # Older fetches may lack a column: nulls, which no limit refuses.
            present = [c for c in limits.columns if c in pl.read_parquet_schema(newest)]
            frame = pl.read_parquet(newest, columns=present).with_columns(
                pl.lit(None).alias(c) for c in limits.columns if c not in present
            )
            results += limits.rules(frame)
            problems += [StoredProblem(dataset, day, newest, r) for r in results if not r.passed]
    return problems


def failure_hint(problems: list[StoredProblem]) -> list[str]:
    """What the CLI prints after a failed run: the stored days found, then how to unblock."""
    lines = [f"stored day beyond the gate's limits: {p.describe()}" for p in problems]
    if problems:
        first = problems[0]
        command = (
            f"observatory quarantine --evict {first.day} --dataset {first.dataset} --reason TEXT"
        )
    else:
        command = "observatory quarantine --evict YYYY-MM-DD --dataset NAME --reason TEXT"
    lines.append(
        "If a day stored in the raw layer breaks the build, move it out of the raw layer "
        f"(kept, with the reason) and run again: `{command}` (see {DOCS})."
    )
    return lines
