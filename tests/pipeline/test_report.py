"""The report, the warehouse's own documentation and the analysts' queries, on the shared
pipeline run (`pipeline` in tests/plugins/pipeline.py: the demo, and the real recordings where they exist).

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

from cli.main import main
from cli.report import harlequin_argv
from orchestration.defs.report.assets import REPORT_KEY
from orchestration.lib.instance import persistent_instance
from orchestration.lib.report.page import read_embedded
from tests.data import ROOT
from tests.helpers import MARTS
from tests.plugins.pipeline import PipelineCase

CHARTS = {
    "downloads_by_country_month", "downloads_by_country_week", "cumulative_downloads",
    "market_share", "downloads_by_family", "top_models", "derivatives_by_root", "usage_share",
    "usage_tokens", "leaderboard", "developer_share", "concentration", "blended_prices",
    "price_spread", "price_changes", "relative_adoption",
}  # fmt: skip


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
    assert read_embedded(page, "table").keys() == {"headline", "claims"}


def test_downloads_by_country_are_the_market_share_rows(con, specs):
    datasets = {
        **specs["downloads_by_country_month"]["datasets"],
        **specs["downloads_by_country_week"]["datasets"],
    }
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
        side = country if country in ("CN", "US", "unattributed") else "other"
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
    # the rule is drawn only where China passed the US after the metric's first month
    first = {}
    for row in drawn:
        first[row["metric"]] = min(first.get(row["metric"], "9"), row["period_start"])
    for row in drawn:
        assert row["crossover_drawn"] == (
            row["crossover_period_start"] is not None
            and row["crossover_period_start"] > first[row["metric"]]
        )


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


def test_usage_share_is_the_usage_mart_with_its_citation(con, specs, page):
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
    for name in ("usage_share", "usage_tokens", "leaderboard", "developer_share"):
        assert citation in figure_html(page, name), name


def test_claims_cards_are_mart_claims(con, page):
    drawn = read_embedded(page, "table")["claims"]["claims"]
    expected = rows_of(con, "select * from marts.mart_claims")
    assert_rows_equal(drawn, expected, ("claim_id",))
    for row in expected:  # one card per claim, its verdict badge on it
        assert f'id="claim-{row["claim_id"]}" data-verdict="{row["verdict"]}"' in page


def test_the_headline_is_the_marts_latest_period(con, page):
    tiles = {r["key"]: r for r in read_embedded(page, "table")["headline"]["headline"]}
    shares = con.execute(
        "select china_share_latest, us_share_latest from marts.mart_share_crossovers "
        "where metric = 'downloads' and scope = 'ecosystem' and period_grain = 'month'"
    ).fetchone()
    assert (tiles["downloads"]["china"], tiles["downloads"]["us"]) == shares
    china, us = con.execute(
        "select sum(share) filter (where country = 'CN'), sum(share) filter (where country = 'US') "
        "from marts.mart_api_usage_share where period_grain = 'month' and period_start = "
        "(select max(period_start) from marts.mart_api_usage_share where period_grain = 'month')"
    ).fetchone()
    if china is not None:
        assert math.isclose(tiles["tokens"]["china"], china)
        assert math.isclose(tiles["tokens"]["us"], us)
    (ratio,) = con.execute(
        "select arg_max(us_closed_to_cn_open_median_ratio, period_start) "
        "from marts.mart_price_summary where price_tier = 'standard' and country = 'US' and "
        "not is_open_weights and us_closed_to_cn_open_median_ratio is not null"
    ).fetchone()
    assert math.isclose(tiles["cost_ratio"]["ratio"], ratio)
    verdicts = dict(
        con.execute("select verdict, count(*) from marts.mart_claims group by 1").fetchall()
    )
    assert tiles["verdicts"]["detail"].startswith(f"{sum(verdicts.values())} claims")
    assert page.index('id="headline"') < page.index('id="claims"') < page.index("<figure")


def figure_html(page: str, name: str) -> str:
    start = page.index(f'<figure id="{name}">')
    return page[start : page.index("</figure>", start)]


def test_every_chart_says_its_sample_coverage_source_and_origin(pipeline, page):
    for name in CHARTS:
        caption = figure_html(page, name)
        assert "Sample:" in caption and "Source:" in caption, name
        assert ("GENERATED demo data" in caption) == pipeline.is_demo, name
        assert f'data-figure="{name}"' in caption  # its data as a table and a CSV download
    assert ("Demo data." in page) == pipeline.is_demo
    assert "price days" in figure_html(page, "blended_prices")
    assert "Hub snapshot days" in figure_html(page, "downloads_by_country_month")


def test_cumulative_downloads_are_the_adoption_mart(con, specs):
    expected = rows_of(
        con,
        "select period_start, country, sum(cumulative_downloads) as cumulative_downloads "
        "from marts.mart_adoption group by all",
    )
    drawn = specs["cumulative_downloads"]["datasets"]["cumulative"]
    assert_rows_equal(drawn, expected, ("period_start", "country"))


def test_downloads_by_family_add_up_to_the_daily_fact(con, specs):
    drawn = specs["downloads_by_family"]["datasets"]["families"]
    expected = rows_of(
        con,
        "select cast(date_trunc('month', d.download_date) as date) as period_start, "
        "coalesce(m.family, 'no family') as family, sum(d.downloads) as downloads "
        "from marts.fct_model_downloads_daily d join marts.dim_models m using (model_id) "
        "group by all",
    )
    assert_rows_equal(drawn, expected, ("period_start", "family"))
    assert len({r["family_group"] for r in drawn}) <= 9


def test_top_models_are_the_last_30_days_of_the_daily_fact(con, specs):
    drawn = specs["top_models"]["datasets"]["top_models"]
    expected = rows_of(
        con,
        "with last as (select max(download_date) as day from marts.fct_model_downloads_daily) "
        "select model_id, sum(downloads) filter (where download_date > day - 30) as downloads_30d, "
        "sum(downloads) filter (where download_date <= day - 30 and download_date > day - 60) "
        "as downloads_previous_30d from marts.fct_model_downloads_daily, last group by model_id "
        "order by downloads_30d desc nulls last, model_id limit 20",
    )
    assert_rows_equal(drawn, expected, ("model_id",))
    assert [r["model_id"] for r in drawn] == [r["model_id"] for r in expected]


def test_usage_tokens_and_the_leaderboard_are_the_usage_marts(con, specs):
    expected = rows_of(
        con,
        "select period_start, country, is_open_weights, tokens, share from "
        "marts.mart_api_usage_share where period_grain = 'week'",
    )
    drawn = specs["usage_tokens"]["datasets"]["usage"]
    assert_rows_equal(drawn, expected, ("period_start", "country", "is_open_weights"))
    board = specs["leaderboard"]["datasets"]["leaderboard"]
    week = board[0]["week_start"]
    weekly = dict(
        con.execute(
            "select model_permaslug, sum(tokens) from marts.mart_api_top_models "
            "where date_trunc('week', usage_date) = ?::date group by 1",
            [week],
        ).fetchall()
    )
    previous = dict(
        con.execute(
            "select model_permaslug, sum(tokens) from marts.mart_api_top_models "
            "where date_trunc('week', usage_date) = ?::date - interval 7 day group by 1",
            [week],
        ).fetchall()
    )
    for row in board:
        assert row["tokens"] == weekly[row["model_permaslug"]]
        assert row["previous_tokens"] == previous.get(row["model_permaslug"])
    assert [r["tokens"] for r in board] == sorted(weekly.values(), reverse=True)[: len(board)]


def test_developer_shares_and_concentration_are_the_marts(con, specs):
    drawn = specs["developer_share"]["datasets"]["developers"]
    expected = rows_of(
        con,
        "select cast(date_trunc('week', usage_date) as date) as week_start, "
        "coalesce(developer_id, 'unattributed') as developer_id, sum(tokens) as tokens "
        "from marts.mart_api_top_models group by all",
    )
    assert_rows_equal(drawn, expected, ("week_start", "developer_id"))
    hhi = specs["concentration"]["datasets"]["hhi"]
    expected = rows_of(
        con,
        "select period_start, metric, hhi, model_count from marts.mart_market_concentration "
        "where scope = 'ecosystem' and period_grain = 'month' and metric in "
        "('downloads', 'new_models', 'new_derivatives', 'api_models')",
    )
    assert_rows_equal(hhi, expected, ("period_start", "metric"))


def test_price_spread_and_changes_are_the_price_marts(con, specs):
    spread = specs["price_spread"]["datasets"]["spread"]
    expected = rows_of(
        con,
        "with ends as (select max(price_date) as price_date from marts.mart_cost_ratio "
        "group by date_trunc('month', price_date)) select price_date, country, "
        "quantile_cont(input_usd_per_mtok, 0.5) as median, count(input_usd_per_mtok) as models "
        "from marts.mart_cost_ratio join ends using (price_date) where price_tier = 'standard' "
        "and is_text_model and input_usd_per_mtok is not null group by all",
    )
    inputs = [r for r in spread if r["kind"] == "input"]
    assert_rows_equal(inputs, expected, ("price_date", "country"))
    changes = specs["price_changes"]["datasets"]["changes"]
    expected = rows_of(
        con,
        "select model_id, price_tier, change_date, blended_usd_per_mtok, direction "
        "from marts.mart_price_changes",
    )
    assert_rows_equal(changes, expected, ("model_id", "price_tier", "change_date"))


def test_the_report_asset_shows_its_charts_in_the_ui(pipeline):
    instance = persistent_instance(pipeline.data_dir / "dagster")
    event = instance.get_latest_materialization_event(REPORT_KEY)
    assert event is not None
    metadata = event.asset_materialization.metadata
    assert metadata["path"].value == str(pipeline.data_dir / "reports" / "index.html")
    charts = metadata["charts"].value
    assert charts.count("](data:image/jpeg;base64,") == len(CHARTS)
    assert "| claim_id |" in charts and "| key | label |" in charts
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


def test_the_python_example_in_docs_queries_runs_as_written(pipeline, capsys):
    text = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    (snippet,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    code = snippet.replace('"data/warehouse.duckdb"', repr(str(pipeline.warehouse)))
    assert code != snippet
    exec(compile(code, "docs/queries.md", "exec"), {})
    out = capsys.readouterr().out
    assert "verdict" in out and "period_start" in out


def test_the_marts_speak_an_analysts_types(con):
    types = dict(
        ((table, column), data_type)
        for table, column, data_type in con.execute(
            "select table_name, column_name, data_type from duckdb_columns() "
            "where schema_name = 'marts'"
        ).fetchall()
    )
    prices = {k: t for k, t in types.items() if k[1].endswith("usd_per_mtok")}
    assert prices and set(prices.values()) == {"DECIMAL(18,6)"}
    tokens = {k: t for k, t in types.items() if k[1] in ("tokens", "day_tokens", "period_tokens")}
    assert tokens and set(tokens.values()) == {"BIGINT"}
    assert not [k for k, t in types.items() if t in ("HUGEINT", "DECIMAL(38,0)")]


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
