"""The verdicts' history (`mart_claim_verdict_history`): a restatement (OpenRouter serving a
stored day again with a newer `as_of` and other figures) re-checks the claims on the rankings,
which get a `restatement` row, while the claims on the Hub, which the restated day does not
reach, get none. (A rerun on the same data adds nothing: test_pipeline_e2e.py's reruns.)

The pipeline's run on the demo files read as recordings, over its last rankings days (the
session's `observed_run`, copied here with its recordings); the restatement is written into the
copy's answer for one of them, as the API would serve it.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.plugins.pipeline import run_pipeline

pytestmark = pytest.mark.e2e

# The claims measured on the rankings; the restated top row moves the share of all tokens.
ON_RANKINGS = {
    "openrouter_top20_seven_chinese",
    "cn_open_half_of_open_usage",
    "cn_open_13pct_of_all_usage",
    "openrouter_week_2026_02_09_cn_ahead",
    "openrouter_week_2026_03_30_top6_chinese",
}
MOVED = "cn_open_13pct_of_all_usage"
HUB_CLAIMS = {"cn_downloads_passed_us", "qwen_most_derivatives", "hf_qwen_151448_derivatives"}


def history(data_dir: Path) -> list[tuple]:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(
            "select claim_id, version, change, measured_number, source_citation "
            "from marts.mart_claim_verdict_history order by claim_id, version"
        ).fetchall()


def test_a_restated_day_rechecks_the_claims_on_the_rankings_only(tmp_path, observed_run):
    run = observed_run.copy_to(tmp_path)
    recordings, data_dir, days = run.recordings, run.data_dir, run.days
    before = history(data_dir)
    # A rerun on the same data adds no row: the reruns of test_pipeline_e2e.py leave every mart,
    # this one included, with the same hash.
    assert {row[1] for row in before} == {1}
    assert {row[2] for row in before} == {"first_check"}

    restated = days[2]
    answer_path = recordings / "openrouter" / "rankings_daily" / f"{restated.isoformat()}.json"
    answer = json.loads(answer_path.read_text())
    top = answer["data"][0]
    top["total_tokens"] = str(int(top["total_tokens"]) * 3 // 2)  # still the day's first
    answer["meta"]["as_of"] = f"{days[-1].isoformat()}T09:30:00Z"
    answer_path.write_text(json.dumps(answer))
    run_pipeline(data_dir, "--start", restated.isoformat(), "--end", restated.isoformat(),
                 recordings=recordings)  # fmt: skip
    after = history(data_dir)

    added = [row for row in after if row not in before]
    assert MOVED in {row[0] for row in added}
    assert {row[0] for row in added} <= ON_RANKINGS
    assert not HUB_CLAIMS & {row[0] for row in added}
    for claim_id, version, change, _, _ in added:
        assert version == 2, claim_id
        assert change == "restatement", claim_id
    (old,) = [row[3] for row in before if row[0] == MOVED]
    (new,) = [row[3] for row in added if row[0] == MOVED]
    assert new != old
