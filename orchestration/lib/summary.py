"""The short summary `make run` prints: rows per mart, leaders and shares of the latest month."""

from __future__ import annotations

import duckdb
from rich.console import Console
from rich.table import Table

from orchestration.lib.settings import Settings


def print_summary(settings: Settings, console: Console) -> None:
    # Read-only: the summary must never hold the warehouse's single write lock.
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
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
        console.print(rows)

        latest = con.execute(
            "select (select max(period_start) from marts.mart_adoption), "
            "(select max(download_date) from marts.fct_model_downloads_daily)"
        ).fetchone()
        if latest is None or latest[0] is None:
            console.print("No adoption data yet.")
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
            "where period_start = ? order by downloads desc limit 10",
            [period],
        ).fetchall():
            leaders.add_row(name, country, f"{downloads:,}", f"{models:,}")
        console.print(leaders)

        shares = Table(title=f"Share of downloads by country, {period:%B %Y}", title_justify="left")
        shares.add_column("country")
        shares.add_column("downloads", justify="right")
        shares.add_column("share", justify="right")
        for country, downloads, share in con.execute(
            "select country, sum(downloads) as downloads, "
            "sum(downloads) / nullif(sum(sum(downloads)) over (), 0) as share "
            "from marts.mart_adoption where period_start = ? "
            "group by country order by downloads desc",
            [period],
        ).fetchall():
            shares.add_row(country, f"{downloads:,}", f"{share:.1%}" if share is not None else "-")
        console.print(shares)
