"""The report's figures, built from the published marts: pure functions of a read-only DuckDB
connection, no Dagster, no files.

Each chart is a Vega-Lite spec (drawn with Altair) whose data sits in the spec's top-level
`datasets` under readable names: the rows a SQL query on the marts returned (dates as ISO
strings, decimals as floats), plus the columns the drawing adds (a country's colour group, a
partial period's flag). A test reads those datasets back and compares them with its own query
on the marts. Every figure carries its notes (sample, coverage, source, and whether the data is
generated demo data), printed under it on the page, with its data as a table and a CSV file.

The builders live by source: `hub_charts`, `api_charts`, `price_charts`; the page's opening
(headline figures and the claims) in `headline`. They all take one `Context`, so every chart
draws countries with the same `CountryScale`.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import duckdb

from orchestration.lib.report.palette import CountryScale

DEMO_NOTE = "GENERATED demo data, not observations: it shows what the pipeline computes."
# Where prices come from (the marts' price_source).
PRICE_SOURCE_NOTE = (
    "Source: list prices from OpenRouter's model list (openrouter.ai/api/v1/models) from its "
    "first snapshot on; before it, the providers' own list prices from the genai-prices package."
)
HUB_SOURCE_NOTE = "Source: Hugging Face Hub snapshots (downloadsAllTime, differenced per day)."
# Fits the page's 70rem column at 1,280 px with a legend beside it.
WIDTH = 720
# A point resting on fewer models than this is drawn hollow: its share can swing on one model.
MIN_SAMPLE = 5


@dataclass(frozen=True)
class Context:
    """What every builder reads: the warehouse, whether it is demo data, the page's one colour
    scale for countries."""

    con: duckdb.DuckDBPyConnection
    demo: bool
    countries: CountryScale


@dataclass(frozen=True)
class Figure:
    """One chart (a Vega-Lite spec with named datasets), or without a spec a block the page
    writes itself (`kind`: `headline`, `cards`), from the same named datasets."""

    name: str
    title: str
    notes: tuple[str, ...]
    spec: dict[str, Any] | None = None
    datasets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    kind: str = "chart"

    @classmethod
    def chart(
        cls,
        name: str,
        title: str,
        notes: Sequence[str],
        chart: alt.TopLevelMixin,
        datasets: dict[str, list[dict[str, Any]]],
        demo: bool,
    ) -> Figure:
        """A chart whose spec carries its datasets by name (`with_datasets`)."""
        notes = [*notes, DEMO_NOTE] if demo else list(notes)
        spec = with_datasets(chart, datasets)
        return cls(name, title, tuple(notes), spec=spec, datasets=datasets)


def plain(value: Any) -> Any:
    """A value as JSON holds it: dates as ISO strings, decimals as floats."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def query(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict]:
    """The rows of a query as JSON records."""
    cursor = con.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [
        {name: plain(value) for name, value in zip(names, row, strict=True)}
        for row in cursor.fetchall()
    ]


def with_datasets(chart: alt.TopLevelMixin, datasets: dict[str, list[dict]]) -> dict[str, Any]:
    """The chart's spec with its data under the names its layers refer to (`alt.NamedData`)."""
    spec = chart.configure_view(stroke=None).configure_axis(labelLimit=260).to_dict()
    spec["datasets"] = datasets
    return spec


def hub_days(con: duckdb.DuckDBPyConnection) -> str:
    first, last, days, stale = con.execute(
        "select min(snapshot_date), max(snapshot_date), count(*), count(*) filter (where is_stale) "
        "from marts.mart_hub_snapshot_days"
    ).fetchone()
    if not days:
        return "no Hub snapshot day yet"
    return (
        f"{days} Hub snapshot days, {first} to {last} ({stale} stale, spread over their neighbours)"
    )


def span(rows: list[dict], key: str) -> str:
    """`low to high` of a column over the rows (`n` when equal, `0` when empty)."""
    values = [row[key] for row in rows if row.get(key) is not None]
    if not values:
        return "0"
    low, high = min(values), max(values)
    return f"{low:,}" if low == high else f"{low:,} to {high:,}"


def samples(rows: list[dict], models: str, developers: str) -> str:
    """`a to b models of c to d developers per period` over the rows (a period each)."""
    return f"{span(rows, models)} models of {span(rows, developers)} developers per period"


def hub_span(con: duckdb.DuckDBPyConnection) -> tuple[dt.date | None, dt.date | None]:
    """The first and last Hub snapshot days: periods reaching outside them are partial."""
    return con.execute(
        "select min(snapshot_date), max(snapshot_date) from marts.mart_hub_snapshot_days"
    ).fetchone()


def mark_partial(rows: list[dict], grain: str, first: dt.date | None, last: dt.date | None):
    """Adds `days_in_period`, `days_covered` and `period_coverage` (full or partial) to each row of a period: the days
    of the period between the first and last snapshot. A 2-day month is drawn as partial,
    not as a collapse."""
    for row in rows:
        start = dt.date.fromisoformat(row["period_start"])
        if grain == "week":
            end = start + dt.timedelta(days=6)
        else:
            following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
            end = following - dt.timedelta(days=1)
        length = (end - start).days + 1
        if first is None or last is None:
            covered = 0
        else:
            covered = max(0, (min(end, last) - max(start, first)).days + 1)
        row["days_in_period"] = length
        row["days_covered"] = covered
        row["period_coverage"] = "partial" if covered < length else "full"
    return rows


def x_time(field: str, title: str, unit: str = "utcyearmonth") -> alt.X:
    return alt.X(f"{unit}({field}):T", title=title, axis=alt.Axis(format="%b %Y", labelAngle=0))


def partial_opacity() -> alt.Opacity:
    """Partial periods at a third of the colour: visibly not a full period, and said so in
    the legend."""
    return alt.Opacity(
        "period_coverage:O",
        scale=alt.Scale(domain=["full", "partial"], range=[1.0, 0.35]),
        legend=alt.Legend(title="period"),
    )
