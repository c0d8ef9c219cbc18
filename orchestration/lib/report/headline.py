"""The page's opening: the answer first (the latest month's China and US shares of downloads
and of OpenRouter's tokens, the cost ratio now, the claims' verdicts), then each published
claim as a card. Both are figures without a chart: the page writes them from their datasets.
"""

from __future__ import annotations

from orchestration.lib.report.figures import Context, Figure, hub_span, mark_partial, query

# A card's fields, in order: (label, mart_claims column). A column added to mart_claims shows
# on every card once it is listed here; a column the mart lacks is skipped.
CARD_FIELDS = (
    ("Published", "published_value"),
    ("Measured", "measured_value"),
    ("Window", "measured_window"),
    ("Coverage", "coverage"),
    ("Readings", "readings_summary"),  # the verdict under the claim's alternative definitions
)
VERDICT_WORDS = {
    "consistent": "consistent",
    "not_consistent": "not consistent",
    "not_measurable": "not measurable",
}


def _pct(value: float | None) -> str:
    return "no data" if value is None else f"{value:.1%}"


def headline(ctx: Context) -> Figure:
    """Four figures, each with the rows it rests on named in its `detail`."""
    downloads = query(
        ctx.con,
        "select latest_period_start, china_share_latest, us_share_latest, "
        "china_models_latest, us_models_latest, period_models_latest "
        "from marts.mart_share_crossovers "
        "where metric = 'downloads' and scope = 'ecosystem' and period_grain = 'month'",
    )
    tokens = query(
        ctx.con,
        "select period_start, sum(share) filter (where country = 'CN') as china_share, "
        "sum(share) filter (where country = 'US') as us_share, "
        "max(days_covered) as days_covered, max(days_in_period) as days_in_period, "
        "max(source_citation) as source_citation from marts.mart_api_usage_share "
        "where period_grain = 'month' and period_start = (select max(period_start) "
        "from marts.mart_api_usage_share where period_grain = 'month') group by period_start",
    )
    ratio = query(
        ctx.con,
        "select period_start, us_closed_to_cn_open_median_ratio as ratio, model_count "
        "from marts.mart_price_summary where price_tier = 'standard' and country = 'US' "
        "and not is_open_weights and us_closed_to_cn_open_median_ratio is not null "
        "order by period_start desc limit 1",
    )
    verdicts = query(
        ctx.con,
        "select verdict, count(*) as claims from marts.mart_claims group by verdict "
        "order by verdict",
    )
    rows = []
    if downloads:
        d = downloads[0]
        covered = mark_partial(
            [{"period_start": d["latest_period_start"]}], "month", *hub_span(ctx.con)
        )[0]
        rows.append({
            "key": "downloads",
            "label": f"Share of downloads, {d['latest_period_start'][:7]}",
            "china": d["china_share_latest"],
            "us": d["us_share_latest"],
            "value": f"China {_pct(d['china_share_latest'])} · US {_pct(d['us_share_latest'])}",
            "detail": f"{d['period_models_latest']} tracked models ({d['china_models_latest']} "
            f"Chinese, {d['us_models_latest']} US), not the whole Hub; {covered['days_covered']} "
            f"of {covered['days_in_period']} days",
        })  # fmt: skip
    if tokens:
        t = tokens[0]
        rows.append({
            "key": "tokens",
            "label": f"Share of OpenRouter tokens, {t['period_start'][:7]}",
            "china": t["china_share"],
            "us": t["us_share"],
            "value": f"China {_pct(t['china_share'])} · US {_pct(t['us_share'])}",
            "detail": f"{t['days_covered']} of {t['days_in_period']} days, the daily top 50",
        })  # fmt: skip
    if ratio:
        r = ratio[0]
        rows.append({
            "key": "cost_ratio",
            "label": f"Cost ratio, {r['period_start'][:7]}",
            "ratio": r["ratio"],
            "value": f"{r['ratio']:.1f}x",
            "detail": "the median US closed model's blended price over the median Chinese open "
            f"one's ({r['model_count']} US closed models), standard tier",
        })  # fmt: skip
    rows.append({
        "key": "verdicts",
        "label": "Published claims",
        "value": " · ".join(
            f"{v['claims']} {VERDICT_WORDS.get(v['verdict'], v['verdict'])}" for v in verdicts
        ),
        "detail": f"{sum(v['claims'] for v in verdicts)} claims checked against the data below",
    })  # fmt: skip
    notes = ["Each figure is a mart's latest period; the charts below show how it got there."]
    return Figure(
        "headline",
        "The answer so far",
        tuple(notes),
        datasets={"headline": rows, "verdicts": verdicts},
        kind="headline",
    )


def claims(ctx: Context) -> Figure:
    """The published claims and what the data says, one card each (every mart_claims column
    is in the dataset, so the card and the CSV grow with the mart)."""
    rows = query(ctx.con, "select * from marts.mart_claims order by claim_id")
    citations = sorted({row["source_citation"] for row in rows if row.get("source_citation")})
    notes = [
        "A verdict is given only where the data reaches the claim's window and scope; "
        "otherwise `not measurable`, and the evidence says why.",
        *citations,
    ]
    return Figure(
        "claims",
        "Published claims against the data",
        tuple(notes),
        datasets={"claims": rows},
        kind="cards",
    )
