"""Concentration: each developer's share of OpenRouter's tokens over time, and the
Herfindahl-Hirschman index of each metric month by month."""

from __future__ import annotations

import altair as alt

from orchestration.lib.report.api_charts import DEVELOPERS, OTHER_DEVELOPERS, _citation
from orchestration.lib.report.figures import (
    MIN_SAMPLE,
    WIDTH,
    Context,
    Figure,
    query,
    span,
    x_time,
)
from orchestration.lib.report.hub_charts import METRIC_TITLES
from orchestration.lib.report.palette import sizes

# Developers are not countries: their own palette (Tableau-20's lighter half and greys).
DEVELOPER_COLOURS = (
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354",
)  # fmt: skip


# The four metrics an analyst compares; each derivative kind is in the mart too.
HHI_METRICS = ("downloads", "new_models", "new_derivatives", "api_models")


def developer_share(ctx: Context) -> Figure:
    """Each developer's share of the week's tokens among OpenRouter's daily top 50."""
    rows = query(
        ctx.con,
        "with weekly as (select cast(date_trunc('week', usage_date) as date) as week_start,"
        " coalesce(developer_id, 'unattributed') as developer_id,"
        " cast(sum(tokens) as bigint) as tokens, count(distinct model_permaslug) as models,"
        " count(distinct usage_date) as days"
        " from marts.mart_api_top_models group by all)"
        " select week_start, developer_id, tokens, models, days,"
        " tokens / sum(tokens) over (partition by week_start) as share"
        " from weekly order by week_start, developer_id",
    )
    totals = sizes(rows, "developer_id", "tokens")
    biggest = sorted(totals, key=lambda d: -totals[d])[:DEVELOPERS]
    for row in rows:
        row["developer_group"] = (
            row["developer_id"] if row["developer_id"] in biggest else (OTHER_DEVELOPERS)
        )
        row["period_coverage"] = "full" if row["days"] == 7 else "partial"
    domain = [*biggest, OTHER_DEVELOPERS]
    notes = [
        f"Each developer's share of the week's tokens among the daily top 50 (the "
        f"{DEVELOPERS} biggest, the rest as one band); weeks with fewer than 7 days are partial.",
        f"Sample: {span(rows, 'models')} models per developer and week.",
        _citation(query(ctx.con, "select max(source_citation) as source_citation "
                             "from marts.mart_api_top_models")),
    ]  # fmt: skip
    chart = (
        alt.Chart(alt.NamedData("developers"))
        .mark_area()
        .encode(
            x=x_time("week_start", "week starting", "utcyearmonthdate").axis(format="%d %b"),
            y=alt.Y("sum(share):Q", stack="normalize", axis=alt.Axis(format="%"), title="share"),
            color=alt.Color(
                "developer_group:N",
                scale=alt.Scale(domain=domain, range=[*DEVELOPER_COLOURS, "#8c8c8c"]),
                sort=domain,
                title="developer",
            ),
            tooltip=[
                alt.Tooltip("week_start:T", title="week starting"),
                alt.Tooltip("developer_group:N", title="developer"),
                alt.Tooltip("sum(share):Q", format=".1%", title="share"),
                alt.Tooltip("sum(tokens):Q", format=",d", title="tokens"),
                alt.Tooltip("sum(models):Q", title="models (sample)"),
                alt.Tooltip("max(days):Q", title="days covered"),
            ],
        )
        .properties(width=WIDTH - 60, height=220)
    )
    return Figure.chart(
        "developer_share",
        "OpenRouter: share of tokens by developer, per week",
        notes,
        chart,
        {"developers": rows},
        ctx.demo,
    )


def concentration(ctx: Context) -> Figure:
    """HHI by developer (0 to 10,000) of each metric per month (mart_market_concentration)."""
    rows = query(
        ctx.con,
        "select period_start, metric, hhi, developer_count, model_count, top_developer_key, "
        "top_developer_share from marts.mart_market_concentration "
        "where scope = 'ecosystem' and period_grain = 'month' and metric in ?"
        " order by metric, period_start",
        [list(HHI_METRICS)],
    )
    for row in rows:
        row["metric_title"] = METRIC_TITLES.get(row["metric"], row["metric"])
    notes = [
        "Herfindahl-Hirschman index of the developers' shares (0 to 10,000): above 2,500 is "
        "highly concentrated, below 1,500 unconcentrated (US merger guidelines' bands). "
        f"Hollow points rest on fewer than {MIN_SAMPLE} models. The derivative kinds apart are "
        "in the mart.",
        f"Sample: {span(rows, 'developer_count')} developers and {span(rows, 'model_count')} "
        "models per metric and month.",
        "Source: mart_market_concentration (Hub snapshots and catalog; OpenRouter's model list "
        "for open models on OpenRouter).",
    ]
    bands = alt.Chart(alt.Data(values=[{"y": 1500}, {"y": 2500}])).mark_rule(
        strokeDash=[2, 2], color="#999"
    ).encode(y="y:Q")  # fmt: skip
    base = alt.Chart().encode(
        x=x_time("period_start", "month"),
        y=alt.Y("hhi:Q", title="HHI", scale=alt.Scale(domain=[0, 10000])),
        color=alt.Color("metric_title:N", title="metric", scale=alt.Scale(scheme="dark2")),
        tooltip=[
            alt.Tooltip("metric_title:N", title="metric"),
            alt.Tooltip("period_start:T", title="month", format="%B %Y"),
            alt.Tooltip("hhi:Q", format=",.0f", title="HHI"),
            alt.Tooltip("developer_count:Q", title="developers (sample)"),
            alt.Tooltip("model_count:Q", title="models (sample)"),
            alt.Tooltip("top_developer_key:N", title="top developer"),
            alt.Tooltip("top_developer_share:Q", format=".1%", title="its share"),
        ],
    )
    lines = base.mark_line(strokeWidth=1.5)
    full = base.transform_filter(f"datum.model_count >= {MIN_SAMPLE}").mark_point(
        filled=True, size=16
    )
    hollow = base.transform_filter(f"datum.model_count < {MIN_SAMPLE}").mark_point(
        filled=False, size=16
    )
    chart = alt.layer(lines, full, hollow, data=alt.NamedData("hhi")).properties(
        width=WIDTH - 80, height=220
    )
    return Figure.chart(
        "concentration",
        "Concentration (HHI) by developer, each metric, per month",
        notes,
        alt.layer(bands, chart),
        {"hhi": rows},
        ctx.demo,
    )
