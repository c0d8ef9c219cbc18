"""The report's one colour scale for countries, decided once per report and used by every chart.

China and the US always have the same two colours. The next biggest countries (by all-time
downloads of their tracked developers' models) get one distinct colour each; every smaller
country is drawn as `other`, so no two countries ever share a colour, and `unattributed` (a
model whose developer has no country in the registry) is a series of its own, never folded
into `other`. Each chart's legend lists only the groups it draws, biggest first, with the
colours of this one scale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import altair as alt
import duckdb

CN, US, OTHER, UNATTRIBUTED = "CN", "US", "other", "unattributed"
FIXED = {CN: "#d62728", US: "#1f77b4"}
# Tableau-10 without its red and blue (China's and the US colours) and without grey (other).
DISTINCT = ("#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf")
GREYS = {OTHER: "#8c8c8c", UNATTRIBUTED: "#d0d0d0"}
# Country names for legends and headlines; codes elsewhere stay the registry's ISO codes.
NAMES = {
    "CN": "China", "US": "United States", "FR": "France", "DE": "Germany", "GB": "United Kingdom",
    "CA": "Canada", "KR": "South Korea", "JP": "Japan", "IL": "Israel", "AE": "UAE",
    "IN": "India", "SG": "Singapore", "CH": "Switzerland", "NL": "Netherlands", "ID": "Indonesia",
    "PL": "Poland", "RU": "Russia", "TW": "Taiwan", "HK": "Hong Kong", "SE": "Sweden",
    "ES": "Spain", "PT": "Portugal", "BG": "Bulgaria", "FI": "Finland", "IT": "Italy",
    "AU": "Australia", "BR": "Brazil", "SA": "Saudi Arabia", "VN": "Vietnam", "TH": "Thailand",
}  # fmt: skip


@dataclass(frozen=True)
class CountryScale:
    """Country code -> colour group, and each group's colour: one instance for the whole page."""

    named: tuple[str, ...]  # CN, US, then the biggest others, each with its own colour

    def group(self, country: str | None) -> str:
        if country is None or country == UNATTRIBUTED:
            return UNATTRIBUTED
        return country if country in self.named else OTHER

    def colour(self, group: str) -> str:
        if group in FIXED:
            return FIXED[group]
        if group in GREYS:
            return GREYS[group]
        return DISTINCT[self.named.index(group) - len(FIXED)]

    def mapping(self) -> dict[str, str]:
        """Every group this page can draw, with its colour (the browser test checks against it)."""
        groups = [*self.named, OTHER, UNATTRIBUTED]
        return {group: self.colour(group) for group in groups}

    def encode(
        self, field: str, sizes: Mapping[str, float], title: str | None = "country"
    ) -> alt.Color:
        """A colour channel over the groups a chart draws (`sizes`: group -> its total), its
        legend biggest first; `other` and `unattributed` always last."""
        domain = sorted(
            sizes, key=lambda g: (g in (OTHER, UNATTRIBUTED), g == UNATTRIBUTED, -sizes[g])
        )
        if not domain:  # nothing to draw: a legend of nothing makes Vega's size invalid
            return alt.Color(f"{field}:N", title=title, legend=None)
        return alt.Color(
            f"{field}:N",
            scale=alt.Scale(domain=domain, range=[self.colour(g) for g in domain]),
            sort=domain,
            title=title,
            legend=alt.Legend(labelExpr=label_expr(domain)),
        )


def label_expr(domain: Iterable[str]) -> str:
    """A Vega expression naming each code in a legend (`CN` -> `China`)."""
    expr = "datum.label"
    for code in domain:
        if code in NAMES:
            expr = f"datum.label === '{code}' ? '{NAMES[code]}' : ({expr})"
    return expr


def country_scale(con: duckdb.DuckDBPyConnection) -> CountryScale:
    """The biggest countries by all-time downloads of their tracked models (dim_models joined to
    the last counter), CN and US first whatever their rank."""
    ranked = [
        country
        for (country,) in con.execute(
            "select country from marts.mart_market_share "
            "where metric = 'downloads' and scope = 'ecosystem' and period_grain = 'month' "
            "and country is not null and country <> 'unattributed' "
            "group by country order by sum(value) desc, country"
        ).fetchall()
    ]
    others = [c for c in ranked if c not in FIXED][: len(DISTINCT)]
    return CountryScale((CN, US, *others))


def sizes(rows: Iterable[Mapping], field: str, by: str | None = None) -> dict[str, float]:
    """Each group's total of `by` over the rows, or its count of rows (the order of a legend)."""
    totals: dict[str, float] = {}
    for row in rows:
        totals[row[field]] = totals.get(row[field], 0.0) + (float(row[by] or 0) if by else 1.0)
    return totals
