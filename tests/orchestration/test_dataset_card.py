"""The dataset card: every table and column, the citation on usage tables, the commit and run
date, and the same bytes for the same inputs (what makes a second publish a no-op)."""

from __future__ import annotations

import datetime as dt

from orchestration.lib.dataset_card import Table, render_card

CITATION = "Source: OpenRouter (openrouter.ai/rankings), as of 2026-07-31T02:00:00Z"
TABLES = [
    Table(
        "mart_api_usage_share",
        "Shares | of tokens.",
        [("share", "DOUBLE", "A share.")],
        3,
        CITATION,
    ),
    Table("mart_adoption", "Downloads.", [("downloads", "BIGINT", "Per\nmonth.")], 1_234, None),
]


def render() -> str:
    return render_card(TABLES, ["- Hub snapshot days: 2"], "abc123", dt.date(2026, 8, 1))


def test_the_card_lists_every_table_and_column_and_cites_openrouter_where_used():
    card = render()

    assert card.startswith("---\nlicense: cc-by-4.0\n")
    assert "- config_name: mart_adoption\n  data_files: data/mart_adoption.parquet\n" in card
    assert "Run date: 2026-08-01. Observatory commit: `abc123`." in card
    assert "| share | DOUBLE | A share. |" in card
    assert "| downloads | BIGINT | Per month. |" in card  # one line per column
    assert "Shares \\| of tokens." in card  # a pipe in a description does not break the table
    assert "Rows: 1,234." in card
    assert card.count(CITATION) == 1
    usage, adoption = card.split("### mart_adoption")[0], card.split("### mart_adoption")[1]
    assert CITATION in usage and CITATION not in adoption


def test_the_same_inputs_give_the_same_card():
    assert render() == render()
