"""dbt's parse serves every DATA_DIR: dbt runs in its DATA_DIR with that folder's paths relative
to it (`Layout.dbt_run_env`), so the parse one DATA_DIR leaves (`orchestration.lib.dbt_parse`)
fits the first invocation of another, and dbt parses only what changed."""

from __future__ import annotations

import shutil

import pytest

from orchestration.lib.dbt_parse import PARTIAL_PARSE_FILE_NAME
from orchestration.lib.settings import DBT_PROJECT_DIR
from tests.dbt.test_dbt_unit_tests import dbt

pytestmark = pytest.mark.e2e

# What dbt logs (at info level) when it cannot use a saved parse.
FULL_PARSE = "Unable to do partial parsing"


def test_a_new_data_dirs_first_dbt_starts_from_anothers_parse(tmp_path):
    first = dbt("parse", data_dir=tmp_path / "first")
    assert first.returncode == 0, first.stdout[-2000:]
    assert (tmp_path / "first" / "target" / PARTIAL_PARSE_FILE_NAME).exists()

    second = dbt("parse", data_dir=tmp_path / "second")

    assert second.returncode == 0, second.stdout[-2000:]
    assert FULL_PARSE not in second.stdout


def test_a_parse_made_from_another_checkout_is_not_reused(tmp_path):
    """dbt keeps each file's absolute path in its parse and does not check it: a DATA_DIR's
    parse made by a checkout since deleted once made every seed fail to load."""
    other = tmp_path / "other-checkout"
    shutil.copytree(
        DBT_PROJECT_DIR, other, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )
    data_dir = tmp_path / "data"
    (data_dir / "build").mkdir(parents=True)
    assert dbt("parse", data_dir=data_dir, project_dir=other).returncode == 0
    shutil.rmtree(other)

    seeded = dbt("seed", "--select", "claims", data_dir=data_dir)

    assert seeded.returncode == 0, seeded.stdout[-2000:]
