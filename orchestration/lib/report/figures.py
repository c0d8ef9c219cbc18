"""The report's figures, built from the published marts: pure functions of a read-only DuckDB
connection, no Dagster, no files.

Each figure is a Vega-Lite spec (drawn with Altair) whose data sits in the spec's top-level
`datasets` under readable names, exactly the rows a SQL query on the marts returned (dates as
ISO strings, decimals as floats). A test reads those datasets back and compares them with its
own query on the marts. Every figure carries its notes: the sample and coverage behind it,
the source (and OpenRouter's citation where its usage data is drawn), and whether the data is
generated demo data.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import duckdb

DEMO_NOTE = "GENERATED demo data, not observations: it shows what the pipeline computes."
# The blended price's convention, and where prices come from (the marts' price_source).
PRICE_SOURCE_NOTE = (
    "List prices from OpenRouter's model list (openrouter.ai/api/v1/models) from its first "
    "snapshot on; before it, the providers' own list prices from the genai-prices package."
)
WIDTH = 560
# The two sides of every comparison in the report; the rest of the world is one band.
CN, US, REST = "CN", "US", "rest of the world"


@dataclass(frozen=True)
class Figure:
    """One chart (a Vega-Lite spec with named datasets) or, without a spec, one table."""

    name: str
    title: str
    notes: tuple[str, ...]
    spec: dict[str, Any] | None = None
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    datasets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    def chart(
        cls,
        name: str,
        title: str,
        notes: Sequence[str],
        chart: alt.TopLevelMixin,
        datasets: dict[str, list[dict[str, Any]]],
    ) -> Figure:
        """A chart whose spec carries its datasets by name (`with_datasets`)."""
        return cls(
            name, title, tuple(notes), spec=with_datasets(chart, datasets), datasets=datasets
        )


def plain(value: Any) -> Any:
    """A value as JSON holds it: dates as ISO strings, decimals as floats."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def query(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict]:
    """The rows of a query as JSON records."""
    cursor = con.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [
        {name: plain(value) for name, value in zip(names, row, strict=True)}
        for row in cursor.fetchall()
    ]


def with_datasets(chart: alt.TopLevelMixin, datasets: dict[str, list[dict]]) -> dict[str, Any]:
    """The chart's spec with its data under the names its layers refer to (`alt.NamedData`)."""
    spec = chart.to_dict()
    spec["datasets"] = datasets
    return spec


def _title(text: str, notes: Sequence[str]) -> alt.TitleParams:
    return alt.TitleParams(text, subtitle=list(notes), anchor="start", subtitleFontSize=10)


def hub_days(con: duckdb.DuckDBPyConnection) -> str:
    first, last, days, stale = con.execute(
        "select min(snapshot_date), max(snapshot_date), count(*), count(*) filter (where is_stale) "
        "from marts.mart_hub_snapshot_days"
    ).fetchone()
    if not days:
        return "no Hub snapshot day yet"
    return (
        f"{days} Hub snapshot days, {first} to {last} ({stale} stale, spread over their neighbours)"
    )


def span(rows: list[dict], key: str) -> str:
    """`low to high` of a column over the rows (`n` when equal, `0` when empty)."""
    values = [row[key] for row in rows if row.get(key) is not None]
    if not values:
        return "0"
    low, high = min(values), max(values)
    return f"{low:,}" if low == high else f"{low:,} to {high:,}"


def samples(rows: list[dict], models: str, developers: str) -> str:
    """`a to b models of c to d developers per period` over the rows (a period each)."""
    return f"{span(rows, models)} models of {span(rows, developers)} developers per period"


def downloads_by_country(con: duckdb.DuckDBPyConnection, demo: bool) -> Figure:
    """Downloads by country per month and per week (stacked), the Hub's tracked organisations."""
    sql = (
        "select period_start, country, value as downloads, share, country_models, "
        "country_developers, period_models, period_developers from marts.mart_market_share "
        "where metric = 'downloads' and scope = 'ecosystem' and period_grain = ? "
        "order by period_start, country"
    )
    data = {grain: query(con, sql, [grain]) for grain in ("month", "week")}
    notes = [
        "Derived daily downloads of the tracked organisations' models (the developer registry), "
        "not the whole Hub, by the developer's country.",
        f"Sample: months {samples(data['month'], 'period_models', 'period_developers')}; "
        f"weeks {samples(data['week'], 'period_models', 'period_developers')}.",
        f"Coverage: {hub_days(con)}. Periods only partly covered count their covered days.",
        "Source: Hugging Face Hub snapshots (downloadsAllTime, differenced).",
    ]
    if demo:
        notes.append(DEMO_NOTE)
    tooltip = [
        "period_start:T",
        "country:N",
        alt.Tooltip("downloads:Q", format=","),
        alt.Tooltip("share:Q", format=".1%"),
        "country_models:Q",
        "country_developers:Q",
    ]

    def bars(grain: str, unit: str) -> alt.Chart:
        return (
            alt.Chart(alt.NamedData(f"downloads_{grain}"))
            .mark_bar()
            .encode(
                # Ordinal: one bar per period, labelled by its first day.
                x=alt.X(f"{unit}(period_start):O", title=f"{grain} starting"),
                y=alt.Y("sum(downloads):Q", title="downloads"),
                color=alt.Color("country:N", sort="-y"),
                tooltip=tooltip,
            )
            .properties(width=WIDTH, height=200, title=f"per {grain}")
        )

    chart = alt.vconcat(bars("month", "utcyearmonth"), bars("week", "utcyearmonthdate")).properties(
        title=_title("Downloads by country", notes)
    )
    return Figure.chart(
        "downloads_by_country",
        "Downloads by country, per month and per week",
        notes,
        chart,
        {f"downloads_{grain}": rows for grain, rows in data.items()},
    )


def market_share(con: duckdb.DuckDBPyConnection, demo: bool) -> Figure:
    """China's and the US share of each metric, month by month, the rest of the world as one
    line, with the first month China's share passed the US share marked (from
    mart_share_crossovers, joined onto each of the metric's rows: one dataset, one facet)."""
    shares = query(
        con,
        "with sides as ("
        " select metric, period_start,"
        " case when country in ('CN', 'US') then country else 'rest of the world' end as side,"
        # Ordered: a float sum's last bits depend on the order DuckDB's threads add in.
        " sum(share order by country) as share, sum(value) as value,"
        " sum(country_models) as models,"
        " any_value(period_models) as period_models,"
        " any_value(period_developers) as period_developers"
        " from marts.mart_market_share where scope = 'ecosystem' and period_grain = 'month'"
        " group by all)"
        " select sides.*, crossovers.crossover_period_start,"
        " crossovers.china_share_at_crossover, crossovers.us_share_at_crossover"
        " from sides left join marts.mart_share_crossovers as crossovers"
        " on sides.metric = crossovers.metric and crossovers.scope = 'ecosystem'"
        " and crossovers.period_grain = 'month' and crossovers.has_crossed"
        " order by sides.metric, sides.period_start, sides.side",
    )
    notes = [
        "Each country's share of the month's total, all countries and `unattributed` included "
        "(scope ecosystem). The dashed rule: the first month China's share passed the US "
        "share with at least 5 models on each side (mart_share_crossovers).",
        f"Sample: {samples(shares, 'period_models', 'period_developers')} "
        "(the tracked organisations' models, the catalog's derivatives, OpenRouter's "
        "open-weight models for api_models).",
        f"Coverage: {hub_days(con)}; creation dates from the catalog reach further back.",
    ]
    if demo:
        notes.append(DEMO_NOTE)
    colors = alt.Scale(domain=[CN, US, REST], range=["#d62728", "#1f77b4", "#bbbbbb"])
    lines = (
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=alt.X("utcyearmonth(period_start):T", title=None),
            y=alt.Y("share:Q", axis=alt.Axis(format="%"), title="share"),
            color=alt.Color("side:N", scale=colors, title=None),
            tooltip=[
                "period_start:T",
                "side:N",
                alt.Tooltip("share:Q", format=".1%"),
                "value:Q",
                "models:Q",
                "period_models:Q",
            ],
        )
    )
    rule = (
        alt.Chart()
        .transform_filter("isValid(datum.crossover_period_start)")
        .mark_rule(strokeDash=[4, 3], color="black")
        .encode(
            x="utcyearmonth(crossover_period_start):T",
            tooltip=[
                "crossover_period_start:T",
                alt.Tooltip("china_share_at_crossover:Q", format=".1%"),
                alt.Tooltip("us_share_at_crossover:Q", format=".1%"),
            ],
        )
    )
    chart = (
        alt.layer(lines, rule, data=alt.NamedData("shares"))
        .properties(width=250, height=130)
        .facet(facet=alt.Facet("metric:N", title=None), columns=3)
        .resolve_scale(x="independent")
        .properties(title=_title("Market share by country", notes))
    )
    return Figure.chart(
        "market_share",
        "Market share by country over time, each metric, with the crossover",
        notes,
        chart,
        {"shares": shares},
    )


def derivatives_by_root(con: duckdb.DuckDBPyConnection, demo: bool) -> Figure:
    """Each relation's derivatives by the country of their root model (fct_model_lineage)."""
    rows = query(
        con,
        "select relation, root_country, count(*) as derivatives, "
        "count(distinct root_developer_id) as root_developers, "
        "count(distinct root_model_id) as root_models, "
        "count(*) / sum(count(*)) over (partition by relation) as share "
        "from marts.fct_model_lineage group by relation, root_country "
        "order by relation, root_country",
    )
    (total, roots, first, last) = con.execute(
        "select count(*), count(distinct root_model_id), min(created_date), max(created_date) "
        "from marts.fct_model_lineage"
    ).fetchone()
    notes = [
        "A derivative counts for the developer and country of its root, the original base "
        "model its chain of parents leads to.",
        f"Sample: {total:,} derivatives of {roots:,} root models, created {first} to {last} "
        "(the Hub catalog's derivatives of the tracked organisations' models).",
    ]
    if demo:
        notes.append(DEMO_NOTE)
    chart = (
        alt.Chart(alt.NamedData("derivatives"))
        .mark_bar()
        .encode(
            y=alt.Y("relation:N", title=None),
            x=alt.X(
                "sum(derivatives):Q",
                stack="normalize",
                axis=alt.Axis(format="%"),
                title="share of the relation's derivatives",
            ),
            color=alt.Color("root_country:N", title="root country", sort="-x"),
            tooltip=[
                "relation:N",
                "root_country:N",
                "derivatives:Q",
                alt.Tooltip("share:Q", format=".1%"),
                "root_models:Q",
                "root_developers:Q",
            ],
        )
        .properties(width=WIDTH, height=160, title=_title("Derivatives by root origin", notes))
    )
    return Figure.chart(
        "derivatives_by_root",
        "Derivative share by root origin",
        notes,
        chart,
        {"derivatives": rows},
    )


def blended_prices(con: duckdb.DuckDBPyConnection, demo: bool) -> Figure:
    """The median blended price of Chinese open models against US closed ones, month by month,
    over the whole price history (mart_price_summary, standard tier)."""
    rows = query(
        con,
        "select period_start, "
        "case when country = 'CN' then 'Chinese open' else 'US closed' end as side, "
        "model_count, median_blended_usd_per_mtok, min_blended_usd_per_mtok, "
        "us_closed_to_cn_open_median_ratio "
        "from marts.mart_price_summary where price_tier = 'standard' "
        "and ((country = 'CN' and is_open_weights) or (country = 'US' and not is_open_weights)) "
        "order by period_start, side",
    )
    first, last, days, openrouter_from = con.execute(
        "select min(price_date), max(price_date), count(distinct price_date), "
        "min(price_date) filter (where price_source = 'openrouter') from marts.mart_cost_ratio"
    ).fetchone()
    notes = [
        "Median blended price, (3 x input + output) / 4 in USD per million tokens, of the "
        "priced text models on each side at the month's end (standard tier); log scale.",
        f"Sample: {span(rows, 'model_count')} models per side and month; coverage: {days} price days, {first} to {last} "
        f"(OpenRouter's from {openrouter_from}).",
        PRICE_SOURCE_NOTE,
    ]
    if demo:
        notes.append(DEMO_NOTE)
    colors = alt.Scale(domain=["Chinese open", "US closed"], range=["#d62728", "#1f77b4"])
    lines = (
        alt.Chart(alt.NamedData("prices"))
        .mark_line(point=True)
        .encode(
            x=alt.X("utcyearmonth(period_start):T", title="month"),
            y=alt.Y(
                "median_blended_usd_per_mtok:Q",
                scale=alt.Scale(type="log"),
                title="median blended USD / Mtok",
            ),
            color=alt.Color("side:N", scale=colors, title=None),
            tooltip=[
                "period_start:T",
                "side:N",
                "model_count:Q",
                alt.Tooltip("median_blended_usd_per_mtok:Q", format=".3f"),
                alt.Tooltip(
                    "us_closed_to_cn_open_median_ratio:Q", format=".1f", title="US closed / CN open"
                ),
            ],
        )
        .properties(width=WIDTH, height=220)
    )
    ratio = (
        alt.Chart(alt.NamedData("prices"))
        .transform_filter(alt.datum.side == "US closed")
        .transform_filter("isValid(datum.us_closed_to_cn_open_median_ratio)")
        .mark_line(point=True, color="#555555")
        .encode(
            x=alt.X("utcyearmonth(period_start):T", title="month"),
            y=alt.Y("us_closed_to_cn_open_median_ratio:Q", title="US closed / Chinese open (x)"),
            tooltip=[
                "period_start:T",
                alt.Tooltip("us_closed_to_cn_open_median_ratio:Q", format=".1f"),
            ],
        )
        .properties(width=WIDTH, height=100)
    )
    chart = alt.vconcat(lines, ratio).properties(
        title=_title("Blended price: Chinese open vs US closed models", notes)
    )
    return Figure.chart(
        "blended_prices",
        "Blended price of Chinese open vs US closed models",
        notes,
        chart,
        {"prices": rows},
    )


def usage_share(con: duckdb.DuckDBPyConnection, demo: bool) -> Figure:
    """Each country's share of OpenRouter's tokens per week, open and closed weights apart."""
    rows = query(
        con,
        "select period_start, country || ' ' || case when is_open_weights then 'open' "
        "when not is_open_weights then 'closed' else 'unknown' end as bucket, country, "
        "is_open_weights, tokens, share, bucket_models, period_models, days_covered, "
        "days_in_period, source_citation from marts.mart_api_usage_share "
        "where period_grain = 'week' order by period_start, bucket",
    )
    citation = max((row["source_citation"] for row in rows), default=None)
    covered = [f"{row['days_covered']} of {row['days_in_period']}" for row in rows]
    notes = [
        "Share of all the week's OpenRouter tokens; models outside the daily top 50 are their "
        "own bucket (`outside_top_50`), so the shares sum to 1.",
        f"Sample: {span(rows, 'period_models')} models in the top 50 per week; coverage: {', '.join(sorted(set(covered)))} days per week, "
        f"{len({row['period_start'] for row in rows})} weeks.",
        citation or "Source: OpenRouter (openrouter.ai/rankings): no usage data yet.",
    ]
    if demo:
        notes.append(DEMO_NOTE)
    chart = (
        alt.Chart(alt.NamedData("usage"))
        .mark_bar()
        .encode(
            x=alt.X("utcyearmonthdate(period_start):O", title="week starting"),
            y=alt.Y("sum(share):Q", axis=alt.Axis(format="%"), title="share of tokens"),
            color=alt.Color("bucket:N", title="country, weights", sort="-y"),
            tooltip=[
                "period_start:T",
                "bucket:N",
                alt.Tooltip("share:Q", format=".1%"),
                alt.Tooltip("tokens:Q", format=","),
                "bucket_models:Q",
                "days_covered:Q",
            ],
        )
        .properties(width=WIDTH, height=220, title=_title("API usage share by country", notes))
    )
    return Figure.chart(
        "usage_share",
        "API usage share by country (OpenRouter tokens)",
        notes,
        chart,
        {"usage": rows},
    )


CLAIM_COLUMNS = (
    "claim_id",
    "claim",
    "source",
    "published_value",
    "measured_value",
    "measured_window",
    "coverage",
    "verdict",
    "evidence",
    "source_citation",
)


def claims(con: duckdb.DuckDBPyConnection, demo: bool) -> Figure:
    """The published claims and what the data says (mart_claims), as a table."""
    rows = query(con, f"select {', '.join(CLAIM_COLUMNS)} from marts.mart_claims order by claim_id")
    citations = sorted({row["source_citation"] for row in rows if row["source_citation"]})
    notes = [
        "A verdict is given only where the data reaches the claim's window and scope; "
        "otherwise `not_measurable`, and the evidence says why.",
        *citations,
    ]
    if demo:
        notes.append(DEMO_NOTE)
    return Figure(
        "claims",
        "Published claims and their verdicts",
        tuple(notes),
        columns=CLAIM_COLUMNS,
        rows=tuple(tuple(row[c] for c in CLAIM_COLUMNS) for row in rows),
        datasets={"claims": rows},
    )


BUILDERS = (
    downloads_by_country,
    market_share,
    derivatives_by_root,
    blended_prices,
    usage_share,
    claims,
)


def build_figures(con: duckdb.DuckDBPyConnection, demo: bool) -> list[Figure]:
    # Imported here: that module builds on this one's helpers.
    from orchestration.lib.report.relative_adoption import relative_adoption

    return [build(con, demo) for build in (*BUILDERS, relative_adoption)]
