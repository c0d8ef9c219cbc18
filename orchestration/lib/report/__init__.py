"""The Observatory's report: charts of the published marts in `$DATA_DIR/reports/index.html`.

`figures` holds what every chart shares; `headline`, `hub_charts`, `share_charts`,
`model_charts`, `api_charts`, `market_charts` and `price_charts` build them from the marts
(pure, testable without Dagster), in the order `BUILDERS` gives the page; `palette` is the one colour scale for countries; `page`
writes the offline page and renders images for the UI. The Dagster asset
(`orchestration.defs.report`) and `observatory report` both call `build_report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.lib.layout import Layout
from orchestration.lib.origin import is_demo
from orchestration.lib.report import (
    api_charts,
    headline,
    hub_charts,
    market_charts,
    model_charts,
    price_charts,
    share_charts,
)
from orchestration.lib.report.figures import Context, Figure
from orchestration.lib.report.page import write_report
from orchestration.lib.report.palette import country_scale
from orchestration.lib.report.relative_adoption import relative_adoption

# The page's order: the answer, the claims, then downloads, usage, concentration, prices.
BUILDERS = (
    headline.headline,
    headline.claims,
    hub_charts.downloads_by_country,
    hub_charts.cumulative_downloads,
    share_charts.market_share,
    model_charts.downloads_by_family,
    model_charts.top_models,
    share_charts.derivatives_by_root,
    api_charts.usage_share,
    api_charts.usage_tokens,
    api_charts.leaderboard,
    market_charts.developer_share,
    market_charts.concentration,
    price_charts.blended_prices,
    price_charts.price_spread,
    price_charts.price_changes,
    relative_adoption,
    lambda ctx: hub_charts.downloads_by_country(ctx, "week"),
)


def build_figures(con: duckdb.DuckDBPyConnection, demo: bool) -> list[Figure]:
    ctx = Context(con, demo, country_scale(con))
    return [build(ctx) for build in BUILDERS]


@dataclass(frozen=True)
class Report:
    path: Path
    figures: list[Figure]
    demo: bool


def build_report(layout: Layout) -> Report:
    """Reads the published warehouse (read-only: never blocks a run or an analyst) and writes
    the page."""
    if not layout.warehouse_path.exists():
        raise FileNotFoundError(
            f"no published warehouse at {layout.warehouse_path}: run the pipeline first "
            "(`make run`)"
        )
    demo = is_demo(layout.data_dir)
    with duckdb.connect(str(layout.warehouse_path), read_only=True) as con:
        figures = build_figures(con, demo)
        colours = country_scale(con).mapping()
    path = write_report(
        figures, layout.report_path, demo=demo, warehouse=layout.warehouse_path, colours=colours
    )
    return Report(path, figures, demo)
