"""The terminal's one line per warning of a demo run (cli.planted)."""

import json

from cli.planted import WIDTH, fault_line, planted_days

QUARANTINED = (
    "2026-04-07: quarantined (new) in /data/quarantine/hub_model_snapshots/snapshot_date="
    "2026-04-07/20261206T051015650956Z_58c65709b0c95a7f: hub: /data/demo/hub/daily/"
    "2026-04-07.parquet: counters_went_down_at_once (field 'downloadsAllTime'): 267 of 395 "
    "rows; 267 of 395 models in both snapshots went down (67.6%); the limit is 5%; e.g. a/b"
)


def test_a_planted_fault_is_one_short_line_saying_it_is_expected():
    line = fault_line("raw__hub_model_snapshots", QUARANTINED, {"2026-04-07"})
    assert line == (
        "WARNING 2026-04-07 counters_went_down_at_once (267 of 395), quarantined; "
        "expected (demo fault)"
    )
    assert len(line) <= WIDTH


def test_a_fault_on_another_day_or_observed_data_is_not_called_expected():
    assert "expected" not in fault_line("raw__hub_model_snapshots", QUARANTINED, {"2026-02-06"})
    assert "expected" not in fault_line("raw__hub_model_snapshots", QUARANTINED, None)


def test_the_planted_days_come_from_the_demo_stamp(tmp_path):
    assert planted_days(tmp_path) == set()
    summary = {"stale_day": "2026-02-06", "bad_day": "2026-04-07", "correction_day": None}
    (tmp_path / "DEMO.json").write_text(json.dumps({"summary": summary}))
    assert planted_days(tmp_path) == {"2026-02-06", "2026-04-07"}


def test_a_rule_broken_on_many_days_says_on_how_many():
    message = (
        "price_unknown_sentinel on 177 days (2025-07-05, 2025-07-19, ...), e.g. 2025-07-05: "
        "price_unknown_sentinel (field 'price_status'): 1 of 56 rows; e.g. openrouter/auto"
    )
    line = fault_line("raw__openrouter_models", message, set())
    assert line == (
        "WARNING openrouter_models price_unknown_sentinel (1 of 56) on 177 days; "
        "expected (demo fault)"
    )
