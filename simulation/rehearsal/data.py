"""What a rehearsal serves: the newest day of a recordings folder, as the APIs would send it.

The folder is in the layout of `../shared/data` (real recordings) or of the generated demo data
(`simulation.demo`), which is the same: the Hub serves the models of the newest daily snapshot
(`hub/daily/YYYY-MM-DD.parquet`), with their derivative counts from the newest catalog export
where there is one; OpenRouter serves the newest `/models` answer (`openrouter/daily/`) and the
`rankings-daily` answers (`openrouter/rankings_daily/`), the newest one re-dated for any day it
is asked for that the folder lacks. The rows are the recorded rows: a rehearsed live day stores
what the recording holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from ingestion.errors import InputError
from ingestion.hub.recorded import recorded_hub_source
from ingestion.prices.recorded import recorded_price_source
from ingestion.prices.schema import OPENROUTER_SOURCE
from ingestion.recorded import read_json
from ingestion.usage.recorded import recorded_rankings_source
from ingestion.usage.schema import RANKINGS_SOURCE
from simulation.rehearsal.hub import api_models, children_counts


@dataclass(frozen=True)
class Served:
    folder: Path
    hub_file: Path
    hub_models: list[dict[str, Any]]
    models_file: Path
    openrouter_models: list[dict[str, Any]]
    rankings: dict[dt.date, dict[str, Any]]

    def describe(self) -> str:
        days = f"{min(self.rankings)} .. {max(self.rankings)}" if self.rankings else "none"
        return (
            f"Hub: {len(self.hub_models)} models of {self.hub_file.name}; OpenRouter: "
            f"{len(self.openrouter_models)} models of {self.models_file.name}, usage rankings "
            f"of {len(self.rankings)} days ({days})"
        )


def served_from(folder: Path) -> Served:
    """The rows a rehearsal of `folder` serves; an InputError naming what is missing."""
    hub_days, _ = recorded_hub_source(folder / "hub" / "daily").scan()
    if not hub_days:
        raise InputError("hub", str(folder / "hub" / "daily"), None, "no daily snapshot to serve")
    hub_file = hub_days[max(hub_days)]
    catalogs = sorted((folder / "hub").glob("hub_stats_*.parquet"))
    children = children_counts(pl.read_parquet(catalogs[-1])) if catalogs else {}
    price_days, _ = recorded_price_source(folder / "openrouter" / "daily").scan()
    if not price_days:
        where = str(folder / "openrouter" / "daily")
        raise InputError(OPENROUTER_SOURCE, where, None, "no /models answer to serve")
    models_file = price_days[max(price_days)]
    rankings_dir = folder / "openrouter" / "rankings_daily"
    rankings_days = (
        recorded_rankings_source(rankings_dir).scan()[0] if rankings_dir.is_dir() else {}
    )
    return Served(
        folder=folder,
        hub_file=hub_file,
        hub_models=api_models(pl.read_parquet(hub_file), children),
        models_file=models_file,
        openrouter_models=read_json(models_file, OPENROUTER_SOURCE)["data"],
        rankings={day: read_json(path, RANKINGS_SOURCE) for day, path in rankings_days.items()},
    )
