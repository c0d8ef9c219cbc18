"""dbt's parse serves every DATA_DIR: dbt runs in its DATA_DIR with that folder's paths relative
to it (`Layout.dbt_run_env`), so the parse one DATA_DIR leaves (`orchestration.lib.dbt_parse`)
fits the first invocation of another, and dbt parses only what changed."""

from __future__ import annotations

import pytest

from orchestration.lib.dbt_parse import PARTIAL_PARSE_FILE_NAME
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
