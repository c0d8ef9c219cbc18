"""Reads the developer registry (the dbt seed) for the code that needs it outside dbt."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ingestion.errors import InputError


def registry_orgs(csv_path: Path) -> list[str]:
    """The Hub orgs the live Hub source snapshots every day."""
    try:
        frame = pl.read_csv(csv_path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError("registry", str(csv_path), None, f"unreadable CSV: {exc}") from exc
    if "hub_org" not in frame.columns:
        raise InputError("registry", str(csv_path), "hub_org", "required column is missing")
    return sorted(frame["hub_org"].drop_nulls().unique().to_list())
