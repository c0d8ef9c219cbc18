"""dbt keeps its parse between runs of one DATA_DIR: a daily run does not re-parse the project.

What changes per run (the partition dates, the data folder) reaches dbt through environment
variables, and each invocation's parse is saved in `$DATA_DIR/build/dbt`, so the next run only
re-parses the files whose inputs changed. dbt's own log says which it did."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PipelineCase
from tests.helpers import mart_hashes

pytestmark = pytest.mark.e2e

FULL_PARSE = "Unable to do partial parsing"


def parse_messages(log: Path) -> list[str]:
    """The parse-related messages of one invocation's dbt.log (JSON lines)."""
    messages = []
    for line in log.read_text().splitlines():
        try:
            message = json.loads(line)["info"]["msg"]
        except (ValueError, KeyError):
            continue
        if "partial pars" in message.lower():
            messages.append(message)
    return messages


def test_a_daily_rerun_reuses_the_parse_and_leaves_the_marts_as_they_were(pipeline: PipelineCase):
    if not pipeline.is_demo:
        pytest.skip("the parse does not depend on the data: the demo case shows it")
    target = pipeline.data_dir / "build" / "dbt"
    before = mart_hashes(pipeline.warehouse)
    known = {path for path in target.iterdir() if path.is_dir()}
    last_day = max(p.stem for p in pipeline.hub_daily.glob("*.parquet"))

    pipeline.run("--start", last_day, "--end", last_day)

    invocations = [p for p in target.iterdir() if p.is_dir() and p not in known]
    assert (target / "partial_parse.msgpack").exists()
    assert {p.name.split("-")[0] for p in invocations} == {"dbt_daily_models", "dbt_models"}
    for invocation in invocations:
        messages = parse_messages(invocation / "dbt.log")
        assert messages, invocation.name
        assert not [m for m in messages if FULL_PARSE in m], (invocation.name, messages)
    assert mart_hashes(pipeline.warehouse) == before
