"""The relative-adoption figure: each model's downloads against the 10th of its size class at
the same age (`mart_relative_adoption`), on the newest snapshot day. Above the line at 1, a
model is on track for its class's top 10."""

from __future__ import annotations

import altair as alt

from orchestration.lib.report.figures import WIDTH, Context, Figure, query, span

# The models drawn at most: the whole Hub has hundreds of thousands with a ratio on a day, more
# than a chart (or vl-convert's image of it) can hold; the mart keeps every one.
DRAWN = 1000


def relative_adoption(ctx: Context) -> Figure:
    rows = query(
        ctx.con,
        "with newest as (select * from marts.mart_relative_adoption "
        "where relative_adoption is not null "
        "and snapshot_date = (select max(snapshot_date) from marts.mart_relative_adoption)), "
        "highest as (select *, count(*) over () as with_ratio from newest "
        "order by relative_adoption desc, model_id limit ?) "
        "select model_id, size_class, age_days, downloads_all_time, reference_model_id, "
        "reference_downloads, relative_adoption, class_models_at_age, snapshot_date, with_ratio "
        "from highest order by size_class, age_days, model_id",
        [DRAWN],
    )
    day = rows[0]["snapshot_date"] if rows else "no day"
    with_ratio = rows[0]["with_ratio"] if rows else 0
    for row in rows:
        del row["with_ratio"]
    classes = sorted({row["size_class"] for row in rows})
    drawn = (
        f"{len(rows)} models"
        if len(rows) == with_ratio
        else f"the {len(rows)} highest of the {with_ratio:,} models with a ratio"
    )
    notes = [
        "Cumulative downloads over those of the 10th most downloaded model of the same size "
        "class (safetensors parameters) at the same age (ATOM Project's definition of "
        "2026-05-25); above 1: on track for the class's top 10.",
        f"Sample: {drawn} on {day}, in {len(classes)} classes with a cutoff "
        f"({', '.join(classes) or 'none'}); {span(rows, 'class_models_at_age')} models of the "
        "class at each age. Ages the snapshots did not observe, and classes with fewer than 10 "
        "models at an age, have no ratio.",
        "Source: Hugging Face Hub daily snapshots (tracked organisations) and catalog export.",
    ]
    points = (
        alt.Chart(alt.NamedData("relative_adoption"))
        .mark_circle(size=30, opacity=0.7)
        .encode(
            x=alt.X("age_days:Q", title="age (days since creation)"),
            y=alt.Y(
                "relative_adoption:Q",
                scale=alt.Scale(type="log"),
                title="downloads / 10th of the class at that age",
            ),
            color=alt.Color("size_class:N", title="size class"),
            tooltip=[
                "model_id:N",
                "size_class:N",
                "age_days:Q",
                alt.Tooltip("relative_adoption:Q", format=".2f"),
                alt.Tooltip("downloads_all_time:Q", format=","),
                "reference_model_id:N",
                "class_models_at_age:Q",
            ],
        )
    )
    line = alt.Chart(alt.NamedData("parity")).mark_rule(strokeDash=[4, 4]).encode(y="y:Q")
    chart = (points + line).properties(width=WIDTH, height=260)
    return Figure.chart(
        "relative_adoption",
        "Relative adoption (downloads against the 10th of the class at the same age)",
        notes,
        chart,
        {"relative_adoption": rows, "parity": [{"y": 1}]},
        ctx.demo,
    )
