"""The report at the end of the lineage: charts of the published marts, for people who read
the numbers rather than query them."""

import time

import dagster as dg

from orchestration.defs.dbt.assets import PUBLISHED_WAREHOUSE_KEY
from orchestration.lib.resources import StorageResource

REPORT_KEY = dg.AssetKey(["reports", "observatory_report"])
# Images in the UI's metadata are stored in Dagster's event log on every run: drawn smaller
# than in the page (the page draws its own, from the specs).
UI_IMAGE_SCALE = 0.75


@dg.asset(key=REPORT_KEY, deps=[PUBLISHED_WAREHOUSE_KEY], group_name="reports", kinds={"html"})
def observatory_report(
    context: dg.AssetExecutionContext, storage: StorageResource
) -> dg.MaterializeResult:
    """The Observatory's report: `$DATA_DIR/reports/index.html`, one page that opens offline.

    Grain: one HTML page (and the charts in this asset's metadata). Source: the published
    warehouse, read-only. Meaning: the latest month's China and US shares of downloads and of
    OpenRouter's tokens, the cost ratio and the claims' verdicts first; the claims as cards;
    then downloads by country (per month, per week, cumulative) and by family, the top 20
    models, market share and concentration (HHI) of each metric, derivatives by root origin,
    OpenRouter's usage by country and developer and its leaderboard, and prices (the cost
    ratio, their spread, their changes). One colour per country across every chart; every
    chart says its sample, coverage and source, and whether the data is generated demo data.
    """
    # Altair and vl-convert (about 1 s of imports) load when the report is drawn, not when the
    # definitions load.
    from orchestration.lib.report import build_report
    from orchestration.lib.report.page import cache_dir, image_data_uri

    started = time.perf_counter()
    report = build_report(storage.layout)
    page_seconds = time.perf_counter() - started
    sections = []
    cache = cache_dir()
    if report.demo:
        sections.append("**Demo data: generated, not observed.**")
    for figure in report.figures:
        sections.append(f"### {figure.title}")
        if figure.spec is not None:
            sections.append(
                f"![{figure.name}]({image_data_uri(figure.spec, UI_IMAGE_SCALE, cache=cache)})"
            )
        else:
            for rows in figure.datasets.values():
                sections.append(markdown_table(rows))
        sections.append("\n".join(f"- {note}" for note in figure.notes))
    context.log.info(f"wrote the report to {report.path}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(report.path)),
            "charts": dg.MetadataValue.md("\n\n".join(sections)),
            "demo_data": dg.MetadataValue.bool(report.demo),
            "page_seconds": dg.MetadataValue.float(round(page_seconds, 2)),
            "seconds": dg.MetadataValue.float(round(time.perf_counter() - started, 2)),
        }
    )


def markdown_table(rows: list[dict]) -> str:
    def cell(value) -> str:
        return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")

    columns = list(rows[0]) if rows else []
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
