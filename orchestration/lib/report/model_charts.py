"""Models and families on the Hub: downloads by family over time and the top 20 models of the
last 30 days with their growth, the views of the ATOM Project's reports."""

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
)
from orchestration.lib.report.palette import sizes

FAMILIES = 8  # the biggest families by name; the rest is one band
OTHER_FAMILIES = "other families"
TOP_MODELS = 20
WINDOW_DAYS = 30


def downloads_by_family(ctx: Context) -> Figure:
    """Monthly downloads of each model family (dim_models.family) of the tracked models
    (mart_family_adoption)."""
    rows = query(
        ctx.con,
        "select period_start, family, downloads, models from marts.mart_family_adoption "
        "order by period_start, family",
    )
    mark_partial(rows, "month", *hub_span(ctx.con))
    totals = sizes(rows, "family", "downloads")
    biggest = sorted(totals, key=lambda f: -totals[f])[:FAMILIES]
    for row in rows:
        row["family_group"] = row["family"] if row["family"] in biggest else OTHER_FAMILIES
    domain = [*biggest, OTHER_FAMILIES]
    notes = [
        f"Monthly downloads of the {FAMILIES} biggest model families (by model name, "
        "mart_family_adoption), the rest as one band; faint: partial months.",
        f"Sample: {len({r['family'] for r in rows})} families, "
        f"{max((r['models'] for r in rows), default=0)} models at most in a family and month.",
        f"Coverage: {hub_days(ctx.con)}.",
        HUB_SOURCE_NOTE,
    ]
    chart = (
        alt.Chart(alt.NamedData("families"))
        .mark_bar()
        .encode(
            x=alt.X(
                "utcyearmonth(period_start):O",
                title="month",
                axis=alt.Axis(format="%b %Y", labelAngle=0),
            ),
            y=alt.Y("sum(downloads):Q", title="downloads"),
            color=alt.Color(
                "family_group:N",
                scale=alt.Scale(domain=domain, range=[*_FAMILY_COLOURS[:FAMILIES], "#8c8c8c"]),
                sort=domain,
                title="family",
            ),
            opacity=partial_opacity(),
            tooltip=[
                alt.Tooltip("period_start:T", title="month", format="%B %Y"),
                alt.Tooltip("family_group:N", title="family"),
                alt.Tooltip("sum(downloads):Q", format=",d", title="downloads"),
                alt.Tooltip("sum(models):Q", title="models (sample)"),
                alt.Tooltip("max(days_covered):Q", title="days covered"),
            ],
        )
        .properties(width=WIDTH, height=240)
    )
    return Figure.chart(
        "downloads_by_family",
        "Downloads by model family, per month",
        notes,
        chart,
        {"families": rows},
        ctx.demo,
    )


# Families are not countries: a palette of their own (Tableau-20's darker half), so a family
# is never mistaken for a country's colour.
_FAMILY_COLOURS = (
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354",
)  # fmt: skip


def top_models(ctx: Context) -> Figure:
    """The 20 most downloaded models of the last 30 days, with their growth on the 30 before."""
    rows = query(
        ctx.con,
        "with bounds as (select max(download_date) as last_day from "
        "marts.fct_model_downloads_daily), windows as ("
        " select daily.model_id,"
        " cast(sum(daily.downloads) filter (where daily.download_date > last_day - ?)"
        " as bigint) as downloads_30d,"
        " cast(sum(daily.downloads) filter (where daily.download_date <= last_day - ?"
        " and daily.download_date > last_day - ?) as bigint) as downloads_previous_30d"
        " from marts.fct_model_downloads_daily as daily, bounds"
        # Only the two windows' days are read: the daily fact's files are by month.
        " where daily.download_date > last_day - ? group by daily.model_id)"
        " select windows.model_id, models.developer_id, models.country, models.family,"
        " windows.downloads_30d, windows.downloads_previous_30d,"
        " windows.downloads_30d / nullif(windows.downloads_previous_30d, 0) - 1 as growth,"
        " (select last_day from bounds) as last_day"
        " from windows inner join marts.dim_models as models on windows.model_id = models.model_id"
        " where windows.downloads_30d > 0"
        " order by windows.downloads_30d desc, windows.model_id limit ?",
        [WINDOW_DAYS, WINDOW_DAYS, 2 * WINDOW_DAYS, 2 * WINDOW_DAYS, TOP_MODELS],
    )
    for row in rows:
        row["country_group"] = ctx.countries.group(row["country"])
    last_day = rows[0]["last_day"] if rows else "no data"
    notes = [
        f"Downloads in the {WINDOW_DAYS} days to {last_day}; growth against the {WINDOW_DAYS} "
        "days before (empty where the model had none then).",
        f"Sample: the {len(rows)} most downloaded of the tracked organisations' models.",
        f"Coverage: {hub_days(ctx.con)}.",
        HUB_SOURCE_NOTE,
    ]
    chart = (
        alt.Chart(alt.NamedData("top_models"))
        .mark_bar()
        .encode(
            y=alt.Y(
                "model_id:N",
                sort=alt.EncodingSortField("downloads_30d", op="max", order="descending"),
                title=None,
            ),
            x=alt.X("downloads_30d:Q", title=f"downloads, last {WINDOW_DAYS} days"),
            color=ctx.countries.encode(
                "country_group", sizes(rows, "country_group", "downloads_30d")
            ),
            tooltip=[
                alt.Tooltip("model_id:N", title="model"),
                alt.Tooltip("country_group:N", title="country"),
                alt.Tooltip("family:N"),
                alt.Tooltip("downloads_30d:Q", format=",d", title="last 30 days"),
                alt.Tooltip("downloads_previous_30d:Q", format=",d", title="30 days before"),
                alt.Tooltip("growth:Q", format="+.0%"),
            ],
        )
        .properties(width=WIDTH - 200, height=18 * max(len(rows), 1))
    )
    labels = chart.mark_text(align="left", dx=3, fontSize=10).encode(
        text=alt.Text("growth:Q", format="+.0%"), color=alt.value("#333")
    )
    return Figure.chart(
        "top_models",
        f"Top {TOP_MODELS} models, downloads of the last {WINDOW_DAYS} days and growth",
        notes,
        alt.layer(chart, labels),
        {"top_models": rows},
        ctx.demo,
    )
