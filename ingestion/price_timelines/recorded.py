"""The price timelines as the installed `genai-prices` package records them: its data ships as
Python objects (`genai_prices.data.providers`), so this works offline, and the package version
is stored with every row."""

from __future__ import annotations

from importlib import metadata
from typing import Any

import polars as pl

from ingestion.price_timelines.parse import price_rows
from ingestion.price_timelines.schema import GENAI_PRICES_PACKAGE, GENAI_PRICES_SCHEMA


def package_version() -> str:
    return metadata.version(GENAI_PRICES_PACKAGE)


def load_prices() -> pl.DataFrame:
    from genai_prices.data import providers  # imported here: 1.6 MB of data, only when needed

    version = package_version()
    rows: list[dict[str, Any]] = []
    for provider in providers:
        for model in provider.models:
            base = {"provider_id": provider.id, "model_ref": model.id, "model_name": model.name}
            rows.extend(base | row | {"package_version": version} for row in price_rows(model))
    return pl.DataFrame(rows, schema=GENAI_PRICES_SCHEMA)
