"""OpenRouter's usage: tokens by country (share and absolute), the leaderboard of the latest
week with its week-over-week change, and each developer's share over time. Every chart carries
OpenRouter's citation, as its terms ask."""

from __future__ import annotations

import altair as alt

from orchestration.lib.report.figures import WIDTH, Context, Figure, partial_opacity, query, span
from orchestration.lib.report.palette import sizes

NO_USAGE = "Source: OpenRouter (openrouter.ai/rankings): no usage data yet."
LEADERBOARD = 15
DEVELOPERS = 8
OTHER_DEVELOPERS = "other developers"
WEIGHTS = ["open", "closed", "unknown"]


def _citation(rows: list[dict]) -> str:
    return max((r["source_citation"] for r in rows if r.get("source_citation")), default=NO_USAGE)


def _weekly_usage(ctx: Context) -> list[dict]:
    rows = query(
        ctx.con,
        "select period_start, country, is_open_weights, case when is_open_weights then 'open' "
        "when not is_open_weights then 'closed' else 'unknown' end as weights, tokens, share, "
        "bucket_models, period_models, days_covered, days_in_period, source_citation "
        "from marts.mart_api_usage_share where period_grain = 'week' "
        "order by period_start, country, weights",
    )
    for row in rows:
        row["country_group"] = ctx.countries.group(row["country"])
        partial = row["days_covered"] < row["days_in_period"]
        row["period_coverage"] = "partial" if partial else "full"
    return rows


def _notes(rows: list[dict], what: str) -> list[str]:
    covered = sorted({f"{r['days_covered']} of {r['days_in_period']}" for r in rows})
    return [
        what,
        f"Sample: {span(rows, 'period_models')} models of the daily top 50 per week; coverage: "
        f"{', '.join(covered) or 'no'} days per week, {len({r['period_start'] for r in rows})} "
        "weeks; faint: partial weeks.",
        _citation(rows),
    ]


def _usage_chart(ctx: Context, rows: list[dict], y: alt.Y, value: str) -> alt.Chart:
    return (
        alt.Chart(alt.NamedData("usage"))
        .mark_bar()
        .encode(
            x=alt.X(
                "utcyearmonthdate(period_start):O",
                title="week starting",
                axis=alt.Axis(format="%d %b %Y", labelAngle=0),
            ),
            y=y,
            color=ctx.countries.encode("country_group", sizes(rows, "country_group", value)),
            # Open weights solid, closed hatched-light: one colour per country, whatever the
            # weights (the weights are in the tooltip and the table).
            fillOpacity=alt.FillOpacity(
                "weights:O",
                scale=alt.Scale(domain=WEIGHTS, range=[1.0, 0.55, 0.25]),
                legend=alt.Legend(title="weights"),
            ),
            opacity=partial_opacity(),
            stroke=alt.value("white"),
            strokeWidth=alt.value(0.5),
            tooltip=[
                alt.Tooltip("period_start:T", title="week starting"),
                alt.Tooltip("country_group:N", title="country"),
                alt.Tooltip("weights:N"),
                alt.Tooltip("sum(share):Q", format=".1%", title="share"),
                alt.Tooltip("sum(tokens):Q", format=",d", title="tokens"),
                alt.Tooltip("sum(bucket_models):Q", title="models (sample)"),
                alt.Tooltip("max(days_covered):Q", title="days covered"),
            ],
        )
        .properties(width=WIDTH - 80, height=220)
    )


def usage_share(ctx: Context) -> Figure:
    rows = _weekly_usage(ctx)
    notes = _notes(
        rows,
        "Share of all the week's OpenRouter tokens by the developer's country; solid: open "
        "weights, lighter: closed. Models outside the daily top 50 are their own bucket "
        "(`outside_top_50`), so the shares sum to 1.",
    )
    y = alt.Y("sum(share):Q", axis=alt.Axis(format="%"), title="share of tokens")
    chart = _usage_chart(ctx, rows, y, "tokens")
    return Figure.chart(
        "usage_share",
        "OpenRouter: share of tokens by country, per week",
        notes,
        chart,
        {"usage": rows},
        ctx.demo,
    )


def usage_tokens(ctx: Context) -> Figure:
    rows = _weekly_usage(ctx)
    notes = _notes(rows, "Tokens per week on OpenRouter by the developer's country, absolute.")
    y = alt.Y("sum(tokens):Q", axis=alt.Axis(format="~s"), title="tokens")
    chart = _usage_chart(ctx, rows, y, "tokens")
    return Figure.chart(
        "usage_tokens",
        "OpenRouter: tokens by country, per week",
        notes,
        chart,
        {"usage": rows},
        ctx.demo,
    )


def leaderboard(ctx: Context) -> Figure:
    """The latest full week's top models by tokens, with the change on the week before."""
    rows = query(
        ctx.con,
        "with weekly as (select cast(date_trunc('week', usage_date) as date) as week_start,"
        " model_permaslug, any_value(developer_id) as developer_id,"
        " any_value(country) as country, bool_or(is_open_weights) as is_open_weights,"
        " cast(sum(tokens) as bigint) as tokens, count(*) as days"
        " from marts.mart_api_top_models group by all),"
        " latest as (select max(week_start) as week_start from weekly where days = 7"
        " or week_start < (select max(week_start) from weekly))"
        " select weekly.week_start, weekly.model_permaslug, weekly.developer_id,"
        " weekly.country, weekly.is_open_weights, weekly.tokens, weekly.days,"
        " previous.tokens as previous_tokens,"
        " weekly.tokens / nullif(previous.tokens, 0) - 1 as week_over_week"
        " from weekly inner join latest on weekly.week_start = latest.week_start"
        " left join weekly as previous on previous.model_permaslug = weekly.model_permaslug"
        " and previous.week_start = weekly.week_start - interval 7 day"
        " order by weekly.tokens desc, weekly.model_permaslug limit ?",
        [LEADERBOARD],
    )
    for row in rows:
        row["country_group"] = ctx.countries.group(row["country"])
    week = rows[0]["week_start"] if rows else "no week"
    citation = _citation(
        query(
            ctx.con, "select max(source_citation) as source_citation from marts.mart_api_top_models"
        )
    )
    notes = [
        f"The week starting {week}: tokens summed over the days each model was in the daily top "
        "50; the label is the change on the week before (empty: not in the top 50 then).",
        f"Sample: the top {len(rows)} models of that week.",
        citation,
    ]
    bars = (
        alt.Chart(alt.NamedData("leaderboard"))
        .mark_bar()
        .encode(
            y=alt.Y(
                "model_permaslug:N",
                sort=alt.EncodingSortField("tokens", op="max", order="descending"),
                title=None,
            ),
            x=alt.X("tokens:Q", axis=alt.Axis(format="~s"), title="tokens that week"),
            color=ctx.countries.encode("country_group", sizes(rows, "country_group", "tokens")),
            tooltip=[
                alt.Tooltip("model_permaslug:N", title="model"),
                alt.Tooltip("developer_id:N", title="developer"),
                alt.Tooltip("country_group:N", title="country"),
                alt.Tooltip("tokens:Q", format=",d"),
                alt.Tooltip("previous_tokens:Q", format=",d", title="week before"),
                alt.Tooltip("week_over_week:Q", format="+.0%", title="week over week"),
                alt.Tooltip("days:Q", title="days in the top 50"),
            ],
        )
        .properties(width=WIDTH - 200, height=18 * max(len(rows), 1))
    )
    labels = bars.mark_text(align="left", dx=3, fontSize=10).encode(
        text=alt.Text("week_over_week:Q", format="+.0%"), color=alt.value("#333")
    )
    return Figure.chart(
        "leaderboard",
        "OpenRouter leaderboard: the latest week's top models, week over week",
        notes,
        alt.layer(bars, labels),
        {"leaderboard": rows},
        ctx.demo,
    )
