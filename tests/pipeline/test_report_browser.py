"""The report as a reader sees it: `index.html` opened from disk in headless Chromium (Debian's,
driven by Playwright, as test_ui.py does) at 1,280 px, the width of a laptop.

Every chart must be drawn by Vega with no warning in the console, the page must not scroll
sideways, and every chart that colours countries must give a country the colour the page's one
scale gives it (read from the drawn views' own colour scales, not from our specs)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from orchestration.lib.report.page import read_embedded
from tests.pipeline.test_ui import CHROMIUM, CHROMIUM_FLAGS
from tests.plugins.pipeline import PipelineCase

pytestmark = pytest.mark.e2e

VIEWPORT = {"width": 1280, "height": 900}
MIN_CHARTS = 12
# Every view's colour scale as [[domain value, colour], ...] (null for a view without one).
COLOUR_SCALES = """() => Object.fromEntries(Object.entries(window.views).map(([name, view]) => {
  let scale = null;
  try { scale = view.scale('color'); } catch (error) { scale = null; }
  return [name, scale ? scale.domain().map((value) => [String(value), scale(value)]) : null];
}))"""


def tooltip_of(page, name: str) -> str:
    """The tooltip shown when the pointer rests on the chart's first bar."""
    page.locator(f"#chart-{name} svg path[aria-roledescription='bar']").first.hover(force=True)
    page.wait_for_timeout(300)
    return page.locator("#vg-tooltip-element").inner_text()


@pytest.fixture(scope="module")
def drawn(pipeline: PipelineCase, tmp_path_factory) -> dict:
    """The page opened once: what the console said, the page's width, the views drawn and
    their colour scales. A screenshot of the whole page is kept (its path printed)."""
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make browser` (Debian's chromium)")
    from playwright.sync_api import sync_playwright

    path = pipeline.data_dir / "reports" / "index.html"
    shot = tmp_path_factory.mktemp("report") / "report-1280.png"
    console: list[tuple[str, str]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.on("console", lambda message: console.append((message.type, message.text)))
            page.on("pageerror", lambda error: console.append(("pageerror", str(error))))
            page.goto(path.as_uri(), wait_until="load", timeout=90_000)
            page.wait_for_function(
                "window.views && Object.keys(window.views).length === "
                "document.querySelectorAll('script[id^=\"spec-\"]').length",
                timeout=90_000,
            )
            result = {
                "console": console,
                "scroll_width": page.evaluate("document.documentElement.scrollWidth"),
                "client_width": page.evaluate("document.documentElement.clientWidth"),
                "views": page.evaluate(
                    "Object.fromEntries(Object.entries(window.views).map(([name, view]) => "
                    "[name, view !== null && document.querySelector('#chart-' + name + ' svg') "
                    "!== null && view.scenegraph().root.items.length > 0]))"
                ),
                "colours": page.evaluate(COLOUR_SCALES),
                "page_colours": json.loads(
                    page.locator("#colours").evaluate("element => element.textContent")
                ),
                "specs": read_embedded(path.read_text(encoding="utf-8"), "spec"),
            }
            result["tooltips"] = {
                name: tooltip_of(page, name)
                for name in ("downloads_by_country_month", "leaderboard")
            }
            page.locator('details.data[data-figure="top_models"] summary').click()
            # The page fills the table on the `toggle` event, after the click returns.
            rows = page.locator('details.data[data-figure="top_models"] tbody tr')
            rows.first.wait_for(timeout=30_000)
            result["table_rows"] = rows.count()
            with page.expect_download() as download:
                page.locator('button.csv[data-figure="top_models"]').click()
            result["csv"] = Path(download.value.path()).read_text(encoding="utf-8")
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot: {shot}")
        finally:
            browser.close()
    return result


def test_every_chart_is_drawn_without_a_vega_warning(drawn):
    assert len(drawn["specs"]) >= MIN_CHARTS
    assert drawn["views"].keys() == drawn["specs"].keys()
    assert [name for name, ok in drawn["views"].items() if not ok] == []
    noise = [m for m in drawn["console"] if m[0] in ("warning", "error", "pageerror")]
    assert noise == []


def test_the_page_does_not_scroll_sideways_at_1280_px(drawn):
    assert drawn["scroll_width"] <= drawn["client_width"] == VIEWPORT["width"]


def test_a_country_has_one_colour_in_every_chart_and_no_two_share_one(drawn):
    page_colours: dict[str, str] = drawn["page_colours"]
    # China and the US always the same two colours; no colour twice on the page's scale.
    assert page_colours["CN"] == "#d62728" and page_colours["US"] == "#1f77b4"
    assert len(set(page_colours.values())) == len(page_colours)
    with_countries = 0
    for name, scale in drawn["colours"].items():
        if not scale:
            continue
        countries = {value: colour for value, colour in scale if value in page_colours}
        if not countries:
            continue  # a chart coloured by family, developer or metric
        with_countries += 1
        assert set(countries) == {value for value, _ in scale}, name
        for value, colour in countries.items():
            assert colour == page_colours[value], (name, value, colour)
        assert len(set(countries.values())) == len(countries), name
    assert with_countries >= 8


def test_legends_list_the_biggest_country_first(drawn):
    downloads = drawn["specs"]["downloads_by_country_month"]
    totals: dict[str, int] = {}
    for row in downloads["datasets"]["downloads_month"]:
        group = row["country_group"]
        totals[group] = totals.get(group, 0) + row["downloads"]
    named = [g for g in totals if g not in ("other", "unattributed")]
    order = [value for value, _ in drawn["colours"]["downloads_by_country_month"]]
    assert [g for g in order if g in named] == sorted(named, key=lambda g: -totals[g])


def test_a_bar_shows_its_tooltip_with_readable_numbers_and_its_sample(drawn):
    downloads = drawn["tooltips"]["downloads_by_country_month"]
    assert "downloads" in downloads and "models" in downloads and "days covered" in downloads
    board = drawn["tooltips"]["leaderboard"]
    assert "tokens" in board and "week over week" in board
    assert "e+" not in downloads + board  # counts written out, 1,119,446,775,437


def test_a_charts_data_opens_as_a_table_and_downloads_as_csv(drawn):
    rows = drawn["specs"]["top_models"]["datasets"]["top_models"]
    assert drawn["table_rows"] == len(rows)
    written = list(csv.DictReader(io.StringIO(drawn["csv"])))
    assert [r["model_id"] for r in written] == [r["model_id"] for r in rows]
    assert list(written[0]) == list(rows[0])  # the query's columns, in its order
