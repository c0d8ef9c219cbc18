"""Shares: each metric's market share by country month by month (China, the US, the other
countries and `unattributed`), and derivatives by the country of their root model."""

from __future__ import annotations

import altair as alt

from orchestration.lib.report.figures import (
    HUB_SOURCE_NOTE,
    MIN_SAMPLE,
    WIDTH,
    Context,
    Figure,
    hub_days,
    query,
    samples,
    x_time,
)
from orchestration.lib.report.hub_charts import METRIC_TITLES, _with_groups
from orchestration.lib.report.palette import sizes

RELATION_TITLES = {
    "finetune": "Fine-tunes",
    "adapter": "Adapters",
    "merge": "Merges",
    "quantized": "Quantizations",
}


def market_share(ctx: Context) -> Figure:
    """China's, the US, the other countries' and the unattributed share of each metric, month
    by month, on one time axis; points resting on fewer than MIN_SAMPLE models hollow."""
    shares = query(
        ctx.con,
        "with sides as ("
        " select metric, period_start,"
        " case when country in ('CN', 'US', 'unattributed') then country else 'other' end"
        " as side,"
        # Ordered: a float sum's last bits depend on the order DuckDB's threads add in.
        " sum(share order by country) as share, sum(value) as value,"
        " cast(sum(country_models) as bigint) as models,"
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
    first_month: dict[str, str] = {}
    for row in shares:
        first_month[row["metric"]] = min(first_month.get(row["metric"], "9"), row["period_start"])
    for row in shares:
        row["metric_title"] = METRIC_TITLES.get(row["metric"], row["metric"])
        # A "crossover" in a metric's first month is China ahead from the start: not drawn.
        crossover = row["crossover_period_start"]
        row["crossover_drawn"] = crossover is not None and crossover > first_month[row["metric"]]
        row["sample"] = "enough" if (row["models"] or 0) >= MIN_SAMPLE else "too few models"
    notes = [
        "Each side's share of the month's total (every country and `unattributed`, the models "
        "whose developer has no country, included). Hollow points rest on fewer than "
        f"{MIN_SAMPLE} models. Dashed rule: the first month China's share passed the US share "
        "with at least 5 models on each side (mart_share_crossovers); none where China led from the "
        "first month.",
        f"Sample: {samples(shares, 'period_models', 'period_developers')} (the tracked "
        "organisations' models, the catalog's derivatives, OpenRouter's open-weight models).",
        f"Coverage: {hub_days(ctx.con)}; creation dates from the catalog reach further back.",
        HUB_SOURCE_NOTE,
    ]
    colour = ctx.countries.encode("side", sizes(shares, "side", "value"), title=None)
    base = alt.Chart().encode(
        x=x_time("period_start", None),
        y=alt.Y("share:Q", axis=alt.Axis(format="%"), title="share"),
        color=colour,
        tooltip=[
            alt.Tooltip("metric_title:N", title="metric"),
            alt.Tooltip("period_start:T", title="month", format="%B %Y"),
            alt.Tooltip("side:N", title="country"),
            alt.Tooltip("share:Q", format=".1%"),
            alt.Tooltip("value:Q", format=",d"),
            alt.Tooltip("models:Q", title="models (sample)"),
            alt.Tooltip("period_models:Q", title="models that month"),
        ],
    )
    lines = base.mark_line(strokeWidth=1.5)
    full = base.transform_filter(f"datum.models >= {MIN_SAMPLE}").mark_point(filled=True, size=18)
    hollow = base.transform_filter(f"datum.models < {MIN_SAMPLE}").mark_point(filled=False, size=18)
    rule = (
        alt.Chart()
        .transform_filter("datum.crossover_drawn")
        .mark_rule(strokeDash=[4, 3], color="black")
        .encode(
            x="utcyearmonth(crossover_period_start):T",
            tooltip=[
                alt.Tooltip("crossover_period_start:T", title="crossover", format="%B %Y"),
                alt.Tooltip("china_share_at_crossover:Q", format=".1%", title="China"),
                alt.Tooltip("us_share_at_crossover:Q", format=".1%", title="US"),
            ],
        )
    )
    chart = (
        alt.layer(lines, full, hollow, rule, data=alt.NamedData("shares"))
        .properties(width=340, height=130)
        .facet(
            facet=alt.Facet("metric_title:N", title=None, header=alt.Header(labelFontSize=12)),
            columns=2,
        )
    )
    return Figure.chart(
        "market_share",
        "Market share by country, each metric, month by month",
        notes,
        chart,
        {"shares": shares},
        ctx.demo,
    )


def derivatives_by_root(ctx: Context) -> Figure:
    """Each relation's derivatives by the country of their root model (fct_model_lineage)."""
    rows = query(
        ctx.con,
        "select relation, root_country, count(*) as derivatives, "
        "count(distinct root_developer_id) as root_developers, "
        "count(distinct root_model_id) as root_models, "
        "count(*) / sum(count(*)) over (partition by relation) as share "
        "from marts.fct_model_lineage group by relation, root_country "
        "order by relation, root_country",
    )
    _with_groups(ctx, rows, "root_country")
    for row in rows:
        row["relation_title"] = RELATION_TITLES.get(row["relation"], row["relation"])
    total, roots, first, last = ctx.con.execute(
        "select count(*), count(distinct root_model_id), min(created_date), max(created_date) "
        "from marts.fct_model_lineage"
    ).fetchone()
    notes = [
        "A derivative counts for the country of its root, the original base model its chain of "
        "parents leads to.",
        f"Sample: {total:,} derivatives of {roots:,} root models, created {first} to {last}.",
        "Source: the Hugging Face Hub catalog (base_model tags) of the tracked organisations' "
        "models.",
    ]
    chart = (
        alt.Chart(alt.NamedData("derivatives"))
        .mark_bar()
        .encode(
            y=alt.Y("relation_title:N", title=None),
            x=alt.X(
                "sum(derivatives):Q",
                stack="normalize",
                axis=alt.Axis(format="%"),
                title="share of the relation's derivatives",
            ),
            color=ctx.countries.encode(
                "country_group", sizes(rows, "country_group", "derivatives"), "root country"
            ),
            tooltip=[
                alt.Tooltip("relation_title:N", title="derivatives"),
                alt.Tooltip("country_group:N", title="root country"),
                alt.Tooltip("sum(derivatives):Q", title="derivatives", format=",d"),
                alt.Tooltip("sum(share):Q", title="share", format=".1%"),
                alt.Tooltip("sum(root_models):Q", title="root models (sample)"),
            ],
        )
        .properties(width=WIDTH, height=150)
    )
    return Figure.chart(
        "derivatives_by_root",
        "Derivatives by the country of their root model",
        notes,
        chart,
        {"derivatives": rows},
        ctx.demo,
    )
