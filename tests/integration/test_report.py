"""The report, the warehouse's own documentation and the analysts' queries, on the shared
pipeline run (`pipeline` in conftest: the demo, and the real recordings where they exist).

Each chart's data is read back from the page as written (`index.html`) and compared with a
query of this file's own on the marts: the report may not redraw, round or drop what the
marts say."""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import subprocess
from collections import defaultdict

import dagster as dg
import duckdb
import pytest

from orchestration.cli.main import main
from orchestration.cli.report import harlequin_argv
from orchestration.defs.report.assets import REPORT_KEY
from orchestration.lib.instance import persistent_instance
from orchestration.lib.report.page import read_embedded
from tests.conftest import ROOT, PipelineCase
from tests.helpers import MARTS

CHARTS = {"downloads_by_country", "market_share", "derivatives_by_root", "blended_prices",
          "usage_share", "relative_adoption"}  # fmt: skip


@pytest.fixture(scope="module")
def page(pipeline: PipelineCase) -> str:
    return (pipeline.data_dir / "reports" / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def specs(page) -> dict[str, dict]:
    return read_embedded(page, "spec")


@pytest.fixture(scope="module")
def con(pipeline):
    with duckdb.connect(str(pipeline.warehouse), read_only=True) as connection:
        yield connection


def rows_of(con, sql: str, params=()) -> list[dict]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def same(chart_value, mart_value) -> bool:
    """A value drawn equals the mart's: dates as ISO text, decimals and doubles as floats."""
    if mart_value is None or chart_value is None:
        return mart_value is None and chart_value is None
    if isinstance(mart_value, dt.date):
        return chart_value == mart_value.isoformat()
    if isinstance(mart_value, bool | str):
        return chart_value == mart_value
    return math.isclose(float(chart_value), float(mart_value), rel_tol=1e-12, abs_tol=1e-12)


def assert_rows_equal(drawn: list[dict], expected: list[dict], key: tuple[str, ...]) -> None:
    """Row for row (matched on `key`), every expected column equal; no row more or fewer."""
    expected_by_key = {tuple(str(r[k]) for k in key): r for r in expected}
    drawn_by_key = {tuple(str(r[k]) for k in key): r for r in drawn}
    # Dates: the chart has ISO strings, the mart dates; str() of both is the same text.
    assert drawn_by_key.keys() == expected_by_key.keys()
    assert len(drawn) == len(expected)
    for k, row in expected_by_key.items():
        for column, value in row.items():
            assert same(drawn_by_key[k][column], value), (k, column, drawn_by_key[k][column], value)


def test_the_page_opens_offline_and_has_every_chart(page, specs):
    assert specs.keys() == CHARTS
    # No script, style sheet or font is fetched: the Vega libraries are inlined once.
    assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"@import|url\(\s*[\"']?(https?:)?//", page, re.I)
    assert "window.vegaEmbed=" in page
    assert page.count("window.vegaEmbed=") == 1
    assert read_embedded(page, "table").keys() == {"claims"}


def test_downloads_by_country_are_the_market_share_rows(con, specs):
    datasets = specs["downloads_by_country"]["datasets"]
    for grain in ("month", "week"):
        expected = rows_of(
            con,
            "select period_start, country, value as downloads, share, country_models, "
            "period_models, period_developers from marts.mart_market_share "
            "where metric = 'downloads' and scope = 'ecosystem' and period_grain = ?",
            [grain],
        )
        assert expected, grain
        assert_rows_equal(datasets[f"downloads_{grain}"], expected, ("period_start", "country"))
    # and each month's bars add up to the month's downloads in the daily fact table
    monthly = defaultdict(int)
    for row in datasets["downloads_month"]:
        monthly[row["period_start"]] += row["downloads"]
    from_fact = dict(
        con.execute(
            "select strftime(date_trunc('month', download_date), '%Y-%m-%d'), sum(downloads) "
            "from marts.fct_model_downloads_daily where downloads > 0 group by all"
        ).fetchall()
    )
    assert monthly == from_fact


def test_market_shares_and_crossovers_are_the_marts(con, specs):
    drawn = specs["market_share"]["datasets"]["shares"]
    shares = defaultdict(float)
    for metric, period, country, share in con.execute(
        "select metric, period_start, country, share from marts.mart_market_share "
        "where scope = 'ecosystem' and period_grain = 'month'"
    ).fetchall():
        side = country if country in ("CN", "US") else "rest of the world"
        shares[(metric, period.isoformat(), side)] += share
    assert {(r["metric"], r["period_start"], r["side"]) for r in drawn} == shares.keys()
    for row in drawn:
        assert math.isclose(
            row["share"], shares[(row["metric"], row["period_start"], row["side"])], abs_tol=1e-12
        )
    # every metric of the mart is drawn, and the crossover marked is the mart's
    metrics = {
        m for (m,) in con.execute("select distinct metric from marts.mart_market_share").fetchall()
    }
    assert {r["metric"] for r in drawn} == metrics
    crossed = dict(
        con.execute(
            "select metric, crossover_period_start from marts.mart_share_crossovers "
            "where scope = 'ecosystem' and period_grain = 'month' and has_crossed"
        ).fetchall()
    )
    marked = {
        r["metric"]: r["crossover_period_start"] for r in drawn if r["crossover_period_start"]
    }
    assert marked == {metric: day.isoformat() for metric, day in crossed.items()}


def test_derivatives_by_root_count_the_lineage(con, specs):
    expected = rows_of(
        con,
        "select relation, root_country, count(*) as derivatives "
        "from marts.fct_model_lineage group by relation, root_country",
    )
    drawn = specs["derivatives_by_root"]["datasets"]["derivatives"]
    assert_rows_equal(drawn, expected, ("relation", "root_country"))
    for relation in {r["relation"] for r in drawn}:
        total = sum(r["share"] for r in drawn if r["relation"] == relation)
        assert math.isclose(total, 1.0), relation


def test_blended_prices_are_the_price_summary(con, specs):
    expected = rows_of(
        con,
        "select period_start, if(country = 'CN', 'Chinese open', 'US closed') as side, "
        "model_count, median_blended_usd_per_mtok, us_closed_to_cn_open_median_ratio "
        "from marts.mart_price_summary where price_tier = 'standard' and "
        "((country = 'CN' and is_open_weights) or (country = 'US' and not is_open_weights))",
    )
    drawn = specs["blended_prices"]["datasets"]["prices"]
    assert_rows_equal(drawn, expected, ("period_start", "side"))
    # the whole price history: from the first priced month to the last
    first, last = con.execute(
        "select min(date_trunc('month', price_date)), max(date_trunc('month', price_date)) "
        "from marts.mart_cost_ratio where blended_usd_per_mtok is not null"
    ).fetchone()
    months = sorted({r["period_start"] for r in drawn})
    assert (months[0], months[-1]) == (first.date().isoformat(), last.date().isoformat())


def test_usage_share_is_the_usage_mart_with_its_citation(con, specs):
    expected = rows_of(
        con,
        "select period_start, country, is_open_weights, tokens, share, days_covered, "
        "source_citation from marts.mart_api_usage_share where period_grain = 'week'",
    )
    figure = specs["usage_share"]
    drawn = figure["datasets"]["usage"]
    assert_rows_equal(drawn, expected, ("period_start", "country", "is_open_weights"))
    citation = max(r["source_citation"] for r in expected)
    assert citation.startswith("Source: OpenRouter (openrouter.ai/rankings), as of ")
    assert citation in figure["title"]["subtitle"]


def test_claims_table_is_mart_claims(con, page):
    drawn = read_embedded(page, "table")["claims"]["claims"]
    expected = rows_of(
        con,
        "select claim_id, claim, published_value, measured_value, coverage, verdict, evidence "
        "from marts.mart_claims",
    )
    assert_rows_equal(drawn, expected, ("claim_id",))
    for row in expected:  # the verdict is shown in the page's table
        assert f'<tr class="{row["verdict"]}">' in page


def test_every_chart_says_its_sample_coverage_and_origin(pipeline, specs, page):
    for name in CHARTS:
        subtitle = " ".join(specs[name]["title"]["subtitle"])
        assert "Sample:" in subtitle, name
        assert (
            "GENERATED demo data" in subtitle if pipeline.is_demo else "GENERATED" not in subtitle
        )
    assert ("Demo data." in page) == pipeline.is_demo
    assert "price days" in " ".join(specs["blended_prices"]["title"]["subtitle"])
    assert "Hub snapshot days" in " ".join(specs["downloads_by_country"]["title"]["subtitle"])


def test_the_report_asset_shows_its_charts_in_the_ui(pipeline):
    instance = persistent_instance(pipeline.data_dir / "dagster")
    event = instance.get_latest_materialization_event(REPORT_KEY)
    assert event is not None
    metadata = event.asset_materialization.metadata
    assert metadata["path"].value == str(pipeline.data_dir / "reports" / "index.html")
    charts = metadata["charts"].value
    assert charts.count("](data:image/jpeg;base64,") == len(CHARTS)
    assert "| claim_id |" in charts
    assert metadata["demo_data"].value == pipeline.is_demo


def test_observatory_report_rebuilds_the_page_from_the_warehouse(pipeline, specs, monkeypatch):
    target = pipeline.data_dir / "reports" / "index.html"
    target.unlink()
    monkeypatch.setenv("DATA_DIR", str(pipeline.data_dir))

    assert main(["report"]) == 0

    again = read_embedded(target.read_text(encoding="utf-8"), "spec")
    assert {n: s["datasets"] for n, s in again.items()} == {
        n: s["datasets"] for n, s in specs.items()
    }


def test_every_mart_and_column_explains_itself_in_the_published_warehouse(con):
    tables = dict(
        con.execute(
            "select table_name, comment from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()
    )
    views = dict(
        con.execute(
            "select view_name, comment from duckdb_views() where schema_name = 'marts'"
        ).fetchall()
    )
    relations = {**tables, **views}
    assert set(MARTS) <= relations.keys()
    assert [name for name, comment in relations.items() if not (comment or "").strip()] == []
    columns = con.execute(
        "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'"
    ).fetchall()
    assert {table for table, _, _ in columns} == relations.keys()
    assert [(t, c) for t, c, comment in columns if not (comment or "").strip()] == []


def docs_queries() -> list[str]:
    text = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", text, flags=re.S)


def test_every_query_in_docs_queries_runs(pipeline, con):
    queries = docs_queries()
    assert len(queries) >= 10
    for query in queries:
        rows = con.execute(query).fetchall()
        # On the demo every query answers; the real recordings may lack some (no crossover).
        assert rows or not pipeline.is_demo, f"no rows from:\n{query}"


SQL_VENV_PYTHON = ROOT / ".venv-sql" / "bin" / "python"
# What Harlequin does with `--adapter duckdb --read-only PATH`, through its own adapter.
HARLEQUIN_SESSION = """
import sys
from harlequin_duckdb import DuckDbAdapter
connection = DuckDbAdapter(conn_str=(sys.argv[1],), read_only=True, no_init=True).connect()
print(connection.execute("select count(*) from marts.mart_claims").fetchone()[0])
try:
    connection.execute("create table marts.scratch as select 1 as x")
except Exception as error:
    print(error)
"""


def test_make_sql_opens_the_warehouse_read_only(pipeline, tmp_path):
    argv = harlequin_argv(pipeline.warehouse, "/venv/bin/harlequin")
    assert argv == [
        "/venv/bin/harlequin", "--adapter", "duckdb", "--read-only", str(pipeline.warehouse)
    ]  # fmt: skip
    if not SQL_VENV_PYTHON.exists():
        pytest.skip("Harlequin's venv (.venv-sql) is not installed: `make sql` installs it")
    # On a copy: this process holds the warehouse open already (`con`).
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(pipeline.warehouse, copy)
    answer = subprocess.run(
        [str(SQL_VENV_PYTHON), "-c", HARLEQUIN_SESSION, str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.splitlines()
    (claims,) = (
        duckdb.connect(str(copy), read_only=True)
        .execute("select count(*) from marts.mart_claims")
        .fetchone()
    )
    assert answer[0] == str(claims)
    assert "read-only" in answer[1]


def test_the_report_is_at_the_end_of_the_lineage():
    from orchestration.definitions import defs

    graph = defs().resolve_asset_graph()
    upstream = dg.AssetSelection.assets(REPORT_KEY).upstream().resolve(graph)
    assert dg.AssetKey(["warehouse", "published_warehouse"]) in upstream
    assert dg.AssetKey(["raw", "hub_model_snapshots"]) in upstream
    assert graph.get(REPORT_KEY).group_name == "reports"
    assert not dg.AssetSelection.assets(REPORT_KEY).downstream().resolve(graph) - {REPORT_KEY}
