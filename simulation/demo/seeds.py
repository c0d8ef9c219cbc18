"""The repository's reference data the demo is built on (the dbt seeds), read once.

The demo invents values, never entities it could take from reference data: Hub orgs and
their countries come from the developer registry, OpenRouter authors from `openrouter_authors`,
and the price lists must list every model of `reference_model_pairs` so the cost-ratio marts
have something to compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

SEEDS_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"


@dataclass(frozen=True)
class Seeds:
    registry: pl.DataFrame  # hub_org, developer_id, developer_name, country, org_type
    authors: pl.DataFrame  # author, developer_id
    pairs: pl.DataFrame  # model_id, reference_model_id, comparison_class, note

    @property
    def org_country(self) -> dict[str, str]:
        return dict(zip(self.registry["hub_org"], self.registry["country"], strict=True))

    @property
    def author_developer(self) -> dict[str, str]:
        return dict(zip(self.authors["author"], self.authors["developer_id"], strict=True))

    def developer_orgs(self, developer_id: str) -> list[str]:
        return self.registry.filter(pl.col("developer_id") == developer_id)["hub_org"].to_list()

    def developer_country(self, developer_id: str) -> str | None:
        rows = self.registry.filter(pl.col("developer_id") == developer_id)["country"]
        return rows[0] if rows.len() else None


def read_seeds(registry_csv: Path | None = None, seeds_dir: Path = SEEDS_DIR) -> Seeds:
    """The seeds, with the registry sorted by org so its row order in the file never matters."""

    def read(path: Path) -> pl.DataFrame:
        return pl.read_csv(path, infer_schema=False)  # every column as text: codes, not numbers

    registry = read(registry_csv or seeds_dir / "developer_registry.csv").sort("hub_org")
    return Seeds(
        registry=registry,
        authors=read(seeds_dir / "openrouter_authors.csv").sort("author"),
        pairs=read(seeds_dir / "reference_model_pairs.csv"),
    )
