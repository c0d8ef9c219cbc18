"""The short summary `make run` prints: rows per mart, leaders and shares of the latest month,
and the reference price comparisons of the latest price day."""

from __future__ import annotations

import duckdb
from rich.console import Console
from rich.table import Table

from orchestration.lib.origin import is_demo
from orchestration.lib.settings import Settings

# The summary's tables fit a 100-column terminal (and a log read in one).
WIDTH = 100
# The country table: the biggest countries by name, the rest as one `other` row.
TOP_COUNTRIES = 6


def _show(console: Console, table: Table) -> None:
    console.print(table, width=min(console.width, WIDTH))


def print_summary(settings: Settings, console: Console) -> None:
    if is_demo(settings.data_dir):
        console.print(
            "[bold yellow]Every figure below comes from GENERATED demo data[/] "
            f"({settings.layout.demo_dir}), not from the Hub or OpenRouter: it shows what "
            "the pipeline computes, not what the world did.",
            highlight=False,
            width=min(console.width, WIDTH),
        )
    # Read-only: the summary must never hold the warehouse's single write lock.
    with duckdb.connect(str(settings.layout.warehouse_path), read_only=True) as con:
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by table_name"
            ).fetchall()
        ]
        rows = Table(title="Marts", title_justify="left")
        rows.add_column("table")
        rows.add_column("rows", justify="right")
        for name in marts:
            (count,) = con.execute(f'select count(*) from marts."{name}"').fetchone()
            rows.add_row(f"marts.{name}", f"{count:,}")
        _show(console, rows)
        if "mart_cost_ratio" in marts:
            _print_cost_ratios(con, console)
        if "mart_api_usage_share" in marts:
            _print_usage_share(con, console)

        latest = con.execute(
            # The latest month with derived downloads: a model's first observed day has none
            # (a counter needs two days), so a first one-day run has no month to show yet.
            "select (select max(period_start) from marts.mart_adoption "
            "where downloads is not null), "
            "(select max(download_date) from marts.fct_model_downloads_daily)"
        ).fetchone()
        if latest is None or latest[0] is None:
            console.print(
                "No downloads derived yet: they are the increase of a counter between two "
                "observed days, and the warehouse holds one."
            )
            return
        period, last_day = latest
        leaders = Table(
            title=f"Top developers by downloads, {period:%B %Y} (data to {last_day})",
            title_justify="left",
        )
        for column in ("developer", "country", "downloads", "models"):
            leaders.add_column(
                column, justify="right" if column in ("downloads", "models") else "left"
            )
        for name, country, downloads, models in con.execute(
            "select developer_name, country, downloads, models_observed from marts.mart_adoption "
            "where period_start = ? order by downloads desc nulls last limit 10",
            [period],
        ).fetchall():
            leaders.add_row(name, country, _count(downloads), f"{models:,}")
        _show(console, leaders)

        orgs, models = con.execute(
            "select count(distinct m.hub_org), count(distinct m.model_id) "
            "from marts.fct_model_downloads_daily as d "
            "inner join marts.dim_models as m on d.model_id = m.model_id "
            "where date_trunc('month', d.download_date) = ? and d.downloads is not null",
            [period],
        ).fetchone()
        shares = Table(
            title=f"Share of downloads by country, {period:%B %Y}",
            title_justify="left",
        )
        shares.add_column("country")
        shares.add_column("downloads", justify="right")
        shares.add_column("share", justify="right")
        for country, downloads, share in con.execute(
            # The top countries by name, the rest (and `unattributed`) summed as `other`.
            "with countries as (select country, sum(downloads) as downloads, "
            "sum(downloads) / nullif(sum(sum(downloads)) over (), 0) as share, "
            "row_number() over (order by sum(downloads) desc nulls last, country) as rank "
            "from marts.mart_adoption where period_start = ? group by country) "
            "select if(rank <= ?, country, 'other') as country, "
            "cast(sum(downloads) as bigint) as downloads, sum(share) as share "
            "from countries group by 1 order by min(rank)",
            [period, TOP_COUNTRIES],
        ).fetchall():
            shares.add_row(country, _count(downloads), f"{share:.1%}" if share is not None else "-")
        _show(console, shares)
        console.print(
            f"(among the {orgs} tracked organisations, {models} models, not the whole Hub; "
            f"the countries after the first {TOP_COUNTRIES} as `other`)",
            width=min(console.width, WIDTH),
            highlight=False,
        )
        _print_stale_days(con, console)
        if "mart_claims" in marts:
            _print_claims(con, console)


def _count(value: int | None) -> str:
    """A count, or "-" where there is none (a developer new in the month has no downloads)."""
    return "-" if value is None else f"{value:,}"


def _print_stale_days(con: duckdb.DuckDBPyConnection, console: Console) -> None:
    stale = con.execute(
        "select snapshot_date, staleness, unchanged_share, repeats_snapshot_date "
        "from marts.mart_hub_snapshot_days where is_stale order by snapshot_date"
    ).fetchall()
    if stale:
        console.print(
            f"{len(stale)} Hub snapshot day(s) were stale copies, their unchanged counters "
            "spread over the real observations around them: "
            + ", ".join(f"{day} ({kind}, {share:.0%} unchanged)" for day, kind, share, _ in stale),
            highlight=False,
            width=min(console.width, WIDTH),
        )


def _print_cost_ratios(con: duckdb.DuckDBPyConnection, console: Console) -> None:
    (day,) = con.execute("select max(price_date) from marts.mart_cost_ratio").fetchone()
    if day is None:
        return
    table = Table(
        title=f"Blended prices against the US closed reference, {day}, standard tier",
        title_justify="left",
    )
    table.add_column("model", overflow="fold")
    table.add_column("reference", overflow="fold")
    for column in ("$/Mtok", "ref. $/Mtok", "x cheaper"):
        table.add_column(column, justify="right", no_wrap=True, min_width=len(column))
    for model, reference, blended, reference_blended, ratio in con.execute(
        "select model_id, reference_model_id, blended_usd_per_mtok, reference_blended_usd_per_mtok, "
        "times_cheaper_than_reference from marts.mart_cost_ratio "
        "where price_date = ? and price_tier = 'standard' and times_cheaper_than_reference is not null "
        "order by times_cheaper_than_reference desc",
        [day],
    ).fetchall():
        table.add_row(
            model, reference, f"{blended:.4f}", f"{reference_blended:.4f}", f"{ratio:.1f}"
        )
    _show(console, table)


def _print_usage_share(con: duckdb.DuckDBPyConnection, console: Console) -> None:
    """The latest month's token share by country on OpenRouter, with the citation its licence
    asks for."""
    latest = con.execute(
        "select period_start, days_covered, days_in_period, source_citation "
        "from marts.mart_api_usage_share where period_grain = 'month' "
        "order by period_start desc limit 1"
    ).fetchall()
    if not latest:
        return
    period, covered, days, citation = latest[0]
    table = Table(
        title=f"Share of OpenRouter tokens by country, {period:%B %Y} ({covered} of {days} days)",
        title_justify="left",
        caption=citation,
        caption_justify="left",
    )
    for column in ("country", "weights", "tokens", "share"):
        table.add_column(column, justify="right" if column in ("tokens", "share") else "left")
    for country, is_open, tokens, share in con.execute(
        "select country, is_open_weights, tokens, share from marts.mart_api_usage_share "
        "where period_grain = 'month' and period_start = ? order by tokens desc",
        [period],
    ).fetchall():
        weights = "unknown" if is_open is None else ("open" if is_open else "closed")
        table.add_row(country, weights, f"{tokens:,}", f"{share:.1%}")
    _show(console, table)


def _print_claims(con: duckdb.DuckDBPyConnection, console: Console) -> None:
    table = Table(
        title="Published claims against the data (marts.mart_claims)",
        title_justify="left",
        show_lines=True,
    )
    table.add_column("claim", ratio=4, overflow="fold")
    table.add_column("measured", ratio=3, overflow="fold")
    table.add_column("window", ratio=2, overflow="fold")
    table.add_column("verdict", no_wrap=True)
    styles = {"consistent": "green", "not_consistent": "red", "not_measurable": "yellow"}
    for claim, source, measured, window, coverage, verdict, readings in con.execute(
        "select claim, source, measured_value, measured_window, coverage, verdict, "
        "readings_summary from marts.mart_claims order by claim_id"
    ).fetchall():
        table.add_row(
            f"{claim} ({source})",
            f"{measured or '-'}; {readings}",
            f"{window or '-'}; {coverage or '-'}",
            f"[{styles.get(verdict, 'white')}]{verdict}[/]",
        )
    _show(console, table)
    console.print(
        "Each verdict's coverage and evidence are in marts.mart_claims and the report, each "
        "reading in marts.mart_claim_readings; usage figures: "
        "Source: OpenRouter (openrouter.ai/rankings), with the as-of date in the mart.",
        highlight=False,
        width=min(console.width, WIDTH),
    )
