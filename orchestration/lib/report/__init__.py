"""The Observatory's report: charts of the published marts in `$DATA_DIR/reports/index.html`.

`figures` builds each chart from the marts (pure, testable without Dagster); `page` writes the
offline page and renders images for the UI. The Dagster asset (`orchestration.defs.report`) and
`observatory report` both call `build_report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.lib.layout import Layout
from orchestration.lib.origin import is_demo
from orchestration.lib.report.figures import Figure, build_figures
from orchestration.lib.report.page import write_report


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
    path = write_report(figures, layout.report_path, demo=demo, warehouse=layout.warehouse_path)
    return Report(path, figures, demo)
