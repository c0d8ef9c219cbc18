"""The dbt unit tests (SQL logic on hand-written rows, `unit_tests:` in the YAML) run here, in
`make test`, and not in the production builds, where they cannot change a run's outcome: the
same SQL gives the same answer on every run (docs/development.md, "Tests").

dbt needs every model's relation to exist before it can unit-test it, so the seeds are loaded and
every model is first built empty (`--empty`: its SQL with no rows) on a raw layer of empty files."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import traceback
from pathlib import Path

import pytest

from ingestion.hub.schema import HUB_SNAPSHOT_SCHEMA
from ingestion.price_timelines.schema import GENAI_PRICES_SCHEMA
from ingestion.prices.schema import OPENROUTER_MODELS_SCHEMA
from ingestion.usage.schema import RANKINGS_SCHEMA
from orchestration.lib.dbt_parse import (
    PARTIAL_PARSE_FILE_NAME,
    dbt_run_environment,
    keep_parse,
    seed_parse,
)
from orchestration.lib.layout import Dataset, Layout
from orchestration.lib.resources import StorageResource
from orchestration.lib.settings import DBT_PROJECT_DIR
from tests.helpers import files_held_open

pytestmark = pytest.mark.e2e

RAW_SCHEMAS = {
    Dataset.HUB_SNAPSHOTS: HUB_SNAPSHOT_SCHEMA,
    Dataset.HUB_CATALOG: HUB_SNAPSHOT_SCHEMA,
    Dataset.OPENROUTER_MODELS: OPENROUTER_MODELS_SCHEMA,
    Dataset.OPENROUTER_RANKINGS: RANKINGS_SCHEMA,
    Dataset.GENAI_PRICES: GENAI_PRICES_SCHEMA,
}


def dbt(
    *args: str,
    data_dir: Path,
    env: dict[str, str] | None = None,
    project_dir: Path = DBT_PROJECT_DIR,
) -> subprocess.CompletedProcess:
    """dbt as a run starts it: in its DATA_DIR, from the newest parse of the project. Invoked in
    this process (`dbtRunner`, dbt's programmatic entry point): a new dbt process spends about 3 s
    importing and setting up, as long as most of these invocations take. The pipeline's own dbt
    stays a process of its own (tests/pipeline)."""
    # dbt's artifacts go to the test's own folder, never to dbt_project/target, whose
    # manifest the other tests' Dagster definitions read at the same time.
    target = data_dir / "target"
    seed_parse(project_dir, target)
    environment = {
        **dbt_run_environment(Layout(data_dir), project_dir, target),
        # No log file: nothing here reads it (errors come from the output), and at dbt's
        # default level writing it takes a tenth of the invocation.
        "DBT_LOG_LEVEL_FILE": "none",
        # The tests read run_results.json, which a run's dbt does not write
        # (`orchestration.defs.dbt.assets.dbt_artifacts`); `--no-write-json` still wins.
        "DBT_WRITE_JSON": "true",
        **(env or {}),
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    from dbt.cli.main import dbtRunner  # 2 s of imports, for the tests that invoke dbt

    output = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(output):
        for name, value in environment.items():
            patch.setenv(name, value)
        patch.chdir(data_dir)
        try:
            result = dbtRunner().invoke([*args, "--log-format", "json"])
        finally:
            close_duckdb()
    # A DuckDB file left open would be the one a later invocation on the same path reads, even
    # after the file was moved or deleted.
    held = [str(path) for path in files_held_open(data_dir) if ".duckdb" in path.name]
    assert not held, f"dbt {' '.join(args)} left {held} open in the test's process"
    keep_parse(target / PARTIAL_PARSE_FILE_NAME, project_dir, target)
    failure = result.exception
    return subprocess.CompletedProcess(
        ["dbt", *args],
        # dbt's exit codes: 1 for a failed node, 2 for an error that stopped the invocation.
        0 if result.success else 2 if failure is not None else 1,
        output.getvalue(),
        "" if failure is None else "".join(traceback.format_exception(failure)),
    )


def close_duckdb() -> None:
    """Closes the DuckDB database dbt-duckdb keeps for the process, as a dbt process's exit
    does: dbt-duckdb leaves it open when an invocation ends."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    try:
        environment = DuckDBConnectionManager.env()
    except Exception:  # none was opened: dbt-duckdb raises a bare Exception
        return
    environment.close()
    DuckDBConnectionManager.close_all_connections()


def errors(result: subprocess.CompletedProcess) -> str:
    """dbt's error lines, for a readable failure."""
    lines = []
    for line in result.stdout.splitlines():
        try:
            info = json.loads(line)["info"]
        except (ValueError, KeyError):
            lines.append(line)
            continue
        if info.get("level") == "error":
            lines.append(info.get("msg", ""))
    return "\n".join(lines)[-4000:] + result.stderr[-2000:]


def unit_test_statuses(target) -> dict[str, str]:
    """Unit test id -> status, from the invocation's run_results.json."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}


def build_empty(data_dir: Path, *select: str) -> None:
    """An empty raw layer, the seeds whole (macros read them while compiling), then the models
    (all, or `--select`ed) with no rows."""
    storage = StorageResource(data_dir=str(data_dir))
    for dataset, schema in RAW_SCHEMAS.items():
        storage.raw_store(dataset, schema)
    (data_dir / "build").mkdir()
    seeded = dbt("seed", data_dir=data_dir)
    assert seeded.returncode == 0, errors(seeded)
    built = dbt("run", "--empty", *(("--select", *select) if select else ()), data_dir=data_dir)
    assert built.returncode == 0, errors(built)


def test_every_dbt_unit_test_passes(tmp_path):
    build_empty(tmp_path)
    target = tmp_path / "target"
    tested = dbt("test", "--select", "test_type:unit", data_dir=tmp_path)
    statuses = unit_test_statuses(target)

    assert tested.returncode == 0, errors(tested)
    assert len(statuses) >= 20  # every unit test of the project ran
    assert set(statuses.values()) == {"pass"}
