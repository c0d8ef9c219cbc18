"""The Hub's downloads by country: per month, per week (partial periods faint) and cumulative.
The metrics' titles in words, shared with the share and concentration charts."""

from __future__ import annotations

import altair as alt

from orchestration.lib.report.figures import (
    HUB_SOURCE_NOTE,
    WIDTH,
    Context,
    Figure,
    hub_days,
    hub_span,
    mark_partial,
    partial_opacity,
    query,
    samples,
    x_time,
)
from orchestration.lib.report.palette import sizes

# What each metric of mart_market_share counts, in words (the panels' titles).
METRIC_TITLES = {
    "downloads": "Downloads",
    "new_models": "New models",
    "new_derivatives": "New derivatives",
    "derivatives_finetune": "Fine-tunes",
    "derivatives_adapter": "Adapters",
    "derivatives_merge": "Merges",
    "derivatives_quantized": "Quantizations",
    "api_models": "Open models on OpenRouter",
}


def _with_groups(ctx: Context, rows: list[dict], field: str = "country") -> list[dict]:
    for row in rows:
        row["country_group"] = ctx.countries.group(row[field])
    return rows


def downloads_by_country(ctx: Context, grain: str = "month") -> Figure:
    """Downloads by country per month (or week), stacked; partial periods drawn faint."""
    rows = query(
        ctx.con,
        "select period_start, country, value as downloads, share, country_models, "
        "country_developers, period_models, period_developers from marts.mart_market_share "
        "where metric = 'downloads' and scope = 'ecosystem' and period_grain = ? "
        "order by period_start, country",
        [grain],
    )
    _with_groups(ctx, mark_partial(rows, grain, *hub_span(ctx.con)))
    notes = [
        "Daily downloads of the tracked organisations' models (the developer registry), not the "
        "whole Hub, by the developer's country. Faint bars: periods the snapshots cover only "
        "partly (their covered days only).",
        f"Sample: {samples(rows, 'period_models', 'period_developers')}.",
        f"Coverage: {hub_days(ctx.con)}.",
        HUB_SOURCE_NOTE,
    ]
    unit = "utcyearmonth" if grain == "month" else "utcyearmonthdate"
    chart = (
        alt.Chart(alt.NamedData(f"downloads_{grain}"))
        .mark_bar()
        .encode(
            x=alt.X(
                f"{unit}(period_start):O",
                title=f"{grain} starting",
                axis=alt.Axis(format="%b %Y" if grain == "month" else "%d %b", labelAngle=0),
            ),
            y=alt.Y("sum(downloads):Q", title="downloads"),
            color=ctx.countries.encode("country_group", sizes(rows, "country_group", "downloads")),
            opacity=partial_opacity(),
            tooltip=[
                alt.Tooltip("period_start:T", title=f"{grain} starting"),
                alt.Tooltip("country_group:N", title="country"),
                alt.Tooltip("sum(downloads):Q", format=",d", title="downloads"),
                alt.Tooltip("sum(country_models):Q", title="models"),
                alt.Tooltip("max(period_models):Q", title="models that period"),
                alt.Tooltip("max(days_covered):Q", title="days covered"),
                alt.Tooltip("max(days_in_period):Q", title="days in period"),
            ],
        )
        .properties(width=WIDTH, height=240)
    )
    title = f"Downloads by country, per {grain}"
    return Figure.chart(
        f"downloads_by_country_{grain}", title, notes, chart, {f"downloads_{grain}": rows}, ctx.demo
    )


def cumulative_downloads(ctx: Context) -> Figure:
    """The running total of downloads by country since the first snapshot (mart_adoption)."""
    rows = query(
        ctx.con,
        "select period_start, country, cast(sum(cumulative_downloads) as bigint) "
        "as cumulative_downloads, cast(sum(models_observed) as bigint) as models_observed, "
        "count(*) as developers from marts.mart_adoption group by period_start, country "
        "order by period_start, country",
    )
    _with_groups(ctx, mark_partial(rows, "month", *hub_span(ctx.con)))
    latest = max((r["period_start"] for r in rows), default=None)
    notes = [
        "Downloads counted since the first snapshot (not all-time counters), stacked by the "
        "developer's country; the last month may be partial.",
        f"Sample: {sum(r['developers'] for r in rows if r['period_start'] == latest)} developers "
        "in the latest month.",
        f"Coverage: {hub_days(ctx.con)}.",
        HUB_SOURCE_NOTE,
    ]
    last = [r for r in rows if r["period_start"] == latest]
    chart = (
        alt.Chart(alt.NamedData("cumulative"))
        .mark_area(line=True)
        .encode(
            x=x_time("period_start", "month"),
            y=alt.Y("sum(cumulative_downloads):Q", title="downloads since the first snapshot"),
            color=ctx.countries.encode(
                "country_group", sizes(last, "country_group", "cumulative_downloads")
            ),
            tooltip=[
                alt.Tooltip("period_start:T", title="month", format="%B %Y"),
                alt.Tooltip("country_group:N", title="country"),
                alt.Tooltip("sum(cumulative_downloads):Q", format=",d", title="downloads"),
                alt.Tooltip("sum(models_observed):Q", title="models observed"),
                alt.Tooltip("max(days_covered):Q", title="days covered"),
            ],
        )
        .properties(width=WIDTH, height=240)
    )
    return Figure.chart(
        "cumulative_downloads",
        "Cumulative downloads by country",
        notes,
        chart,
        {"cumulative": rows},
        ctx.demo,
    )
