"""Prices: the median blended price of Chinese open against US closed models with their ratio,
the spread of list prices (quartiles, input and output apart), and every price change as a
timeline."""

from __future__ import annotations

import altair as alt

from orchestration.lib.report.figures import (
    PRICE_SOURCE_NOTE,
    WIDTH,
    Context,
    Figure,
    query,
    span,
    x_time,
)
from orchestration.lib.report.palette import sizes


def _price_days(ctx: Context) -> str:
    first, last, days, openrouter_from = ctx.con.execute(
        "select min(price_date), max(price_date), count(distinct price_date), "
        "min(price_date) filter (where price_source = 'openrouter') from marts.mart_cost_ratio"
    ).fetchone()
    return f"{days} price days, {first} to {last} (OpenRouter's from {openrouter_from})"


def blended_prices(ctx: Context) -> Figure:
    """The median blended price of Chinese open models against US closed ones, month by month
    (mart_price_summary, standard tier), and the ratio of the two."""
    rows = query(
        ctx.con,
        "select period_start, country, "
        "case when country = 'CN' then 'Chinese open' else 'US closed' end as side, "
        "model_count, median_blended_usd_per_mtok, min_blended_usd_per_mtok, "
        "us_closed_to_cn_open_median_ratio "
        "from marts.mart_price_summary where price_tier = 'standard' "
        "and ((country = 'CN' and is_open_weights) or (country = 'US' and not is_open_weights)) "
        "order by period_start, side",
    )
    notes = [
        "Median blended price, (3 x input + output) / 4 in USD per million tokens, of the "
        "priced text models on each side at the month's end (standard tier); log scale. Below: "
        "US closed over Chinese open, the cost ratio.",
        f"Sample: {span(rows, 'model_count')} models per side and month; coverage: "
        f"{_price_days(ctx)}.",
        PRICE_SOURCE_NOTE,
    ]
    colour = ctx.countries.encode("country", sizes(rows, "country", "model_count"), title=None)
    if rows:  # no legend without rows (see CountryScale.encode)
        colour = colour.legend(labelExpr="datum.label === 'CN' ? 'Chinese open' : 'US closed'")
    x = x_time("period_start", "month")
    lines = (
        alt.Chart(alt.NamedData("prices"))
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y(
                "median_blended_usd_per_mtok:Q",
                scale=alt.Scale(type="log"),
                title="median USD per million tokens",
            ),
            color=colour,
            tooltip=[
                alt.Tooltip("period_start:T", title="month", format="%B %Y"),
                "side:N",
                alt.Tooltip("model_count:Q", title="models (sample)"),
                alt.Tooltip("median_blended_usd_per_mtok:Q", format="$.3f", title="median"),
                alt.Tooltip("min_blended_usd_per_mtok:Q", format="$.3f", title="cheapest"),
            ],
        )
        .properties(width=WIDTH - 60, height=200)
    )
    ratio = (
        alt.Chart(alt.NamedData("prices"))
        .transform_filter(alt.datum.side == "US closed")
        .transform_filter("isValid(datum.us_closed_to_cn_open_median_ratio)")
        .mark_line(point=True, color="#555555")
        .encode(
            x=x,
            y=alt.Y("us_closed_to_cn_open_median_ratio:Q", title="US closed / Chinese open (x)"),
            tooltip=[
                alt.Tooltip("period_start:T", title="month", format="%B %Y"),
                alt.Tooltip("us_closed_to_cn_open_median_ratio:Q", format=".1f", title="ratio"),
            ],
        )
        .properties(width=WIDTH - 60, height=100)
    )
    return Figure.chart(
        "blended_prices",
        "Blended price: Chinese open vs US closed models, and the cost ratio",
        notes,
        alt.vconcat(lines, ratio),
        {"prices": rows},
        ctx.demo,
    )


def price_spread(ctx: Context) -> Figure:
    """Quartiles of the input and output list prices per country group, at each month's last
    price day (standard tier, text models)."""
    rows = query(
        ctx.con,
        "with month_ends as (select max(price_date) as price_date from marts.mart_cost_ratio"
        " group by date_trunc('month', price_date)),"
        " prices as (select prices.price_date, prices.country, kind.kind, case kind.kind"
        " when 'input' then prices.input_usd_per_mtok else prices.output_usd_per_mtok end"
        " as usd_per_mtok from marts.mart_cost_ratio as prices"
        " inner join month_ends on prices.price_date = month_ends.price_date"
        " cross join (values ('input'), ('output')) as kind (kind)"
        " where prices.price_tier = 'standard' and prices.is_text_model)"
        " select price_date, country, kind, count(usd_per_mtok) as models,"
        " quantile_cont(usd_per_mtok, 0.25) as q1, quantile_cont(usd_per_mtok, 0.5) as median,"
        " quantile_cont(usd_per_mtok, 0.75) as q3, min(usd_per_mtok) as low,"
        " max(usd_per_mtok) as high from prices where usd_per_mtok is not null"
        " group by all order by price_date, country, kind",
    )
    for row in rows:
        row["country_group"] = ctx.countries.group(row["country"])
    notes = [
        "Input and output list prices apart, in USD per million tokens (log scale): the bar "
        "spans the middle half of the models (first to third quartile), the tick is the median, "
        "at each month's last price day (standard tier, text models).",
        f"Sample: {span(rows, 'models')} models per country, month and kind; coverage: "
        f"{_price_days(ctx)}.",
        PRICE_SOURCE_NOTE,
    ]
    colour = ctx.countries.encode("country_group", sizes(rows, "country_group", "models"))
    tooltip = [
        alt.Tooltip("price_date:T", title="price day"),
        alt.Tooltip("country_group:N", title="country"),
        alt.Tooltip("country:N", title="country code"),
        "kind:N",
        alt.Tooltip("models:Q", title="models (sample)"),
        alt.Tooltip("q1:Q", format="$.3f", title="first quartile"),
        alt.Tooltip("median:Q", format="$.3f"),
        alt.Tooltip("q3:Q", format="$.3f", title="third quartile"),
    ]
    x = alt.X(
        "utcyearmonth(price_date):O", title="month", axis=alt.Axis(format="%b %y", labelAngle=0)
    )
    base = alt.Chart().encode(x=x, xOffset="country_group:N", color=colour, tooltip=tooltip)
    bars = base.mark_bar(opacity=0.5, width=3).encode(
        y=alt.Y("q1:Q", scale=alt.Scale(type="log"), title="USD per million tokens"), y2="q3:Q"
    )
    ticks = base.mark_tick(thickness=2, size=8).encode(y="median:Q")
    chart = (
        alt.layer(bars, ticks, data=alt.NamedData("spread"))
        .properties(width=WIDTH - 60, height=160)
        .facet(row=alt.Row("kind:N", title=None, header=alt.Header(labelFontSize=12)))
    )
    return Figure.chart(
        "price_spread",
        "Spread of list prices by country: quartiles, input and output apart",
        notes,
        chart,
        {"spread": rows},
        ctx.demo,
    )


def price_changes(ctx: Context) -> Figure:
    """Every change of a model's list price (mart_price_changes) on a timeline: the change in
    its blended price, cut or rise."""
    rows = query(
        ctx.con,
        "select model_id, price_tier, change_date, country, is_open_weights, "
        "previous_blended_usd_per_mtok, blended_usd_per_mtok, direction, "
        "blended_usd_per_mtok / nullif(previous_blended_usd_per_mtok, 0) - 1 as change "
        "from marts.mart_price_changes order by change_date, model_id, price_tier",
    )
    for row in rows:
        row["country_group"] = ctx.countries.group(row["country"])
    notes = [
        "Each point is one change of a model's list price, by how much its blended price moved "
        "(empty where it was or became unpriced); hover for the model and the prices.",
        f"Sample: {len(rows)} changes of {len({r['model_id'] for r in rows})} models; coverage: "
        f"{_price_days(ctx)}.",
        PRICE_SOURCE_NOTE,
    ]
    points = (
        alt.Chart(alt.NamedData("changes"))
        .mark_point(filled=True, size=70)
        .encode(
            x=alt.X(
                "change_date:T",
                title="day of the change",
                scale=alt.Scale(padding=12),
                axis=alt.Axis(format="%d %b %Y", labelAngle=0, tickCount=6),
            ),
            y=alt.Y(
                "change:Q",
                axis=alt.Axis(format="+%"),
                scale=alt.Scale(padding=12),
                title="change of the blended price",
            ),
            color=ctx.countries.encode("country_group", sizes(rows, "country_group")),
            shape=alt.Shape("direction:N", title="direction"),
            tooltip=[
                alt.Tooltip("model_id:N", title="model"),
                alt.Tooltip("change_date:T", title="day"),
                alt.Tooltip("country_group:N", title="country"),
                "price_tier:N",
                "direction:N",
                alt.Tooltip("previous_blended_usd_per_mtok:Q", format="$.3f", title="before"),
                alt.Tooltip("blended_usd_per_mtok:Q", format="$.3f", title="after"),
                alt.Tooltip("change:Q", format="+.0%"),
            ],
        )
        .properties(width=WIDTH - 60, height=200)
    )
    zero = alt.Chart(alt.Data(values=[{"y": 0}])).mark_rule(color="#999").encode(y="y:Q")
    return Figure.chart(
        "price_changes",
        "Price changes over time",
        notes,
        alt.layer(zero, points),
        {"changes": rows},
        ctx.demo,
    )
