"""The Parquet copies of the marts that every run publishes beside the warehouse
(`$DATA_DIR/marts/<mart>.parquet`), read back with pyarrow and compared with the warehouse's
marts, on the shared pipeline run of each data set."""

from __future__ import annotations

import pytest

from ingestion.atomic import published_mode
from orchestration.lib.layout import Layout
from orchestration.lib.warehouse import marts_match_warehouse
from tests.helpers import MARTS, parquet_marts_differences

pytestmark = [pytest.mark.e2e, pytest.mark.reliability]


def test_every_mart_has_a_parquet_copy_equal_to_it(pipeline):
    layout = Layout(pipeline.data_dir)

    assert parquet_marts_differences(pipeline.data_dir) == {}
    assert {p.stem for p in layout.marts_dir.glob("*.parquet")} == set(MARTS)
    assert marts_match_warehouse(layout)
    assert layout.marts_dir.resolve().parent == layout.marts_versions_dir
    # Readable by other accounts, as the warehouse is (the umask decides, not mkstemp's 0600).
    assert {p.stat().st_mode & 0o777 for p in layout.marts_dir.glob("*.parquet")} == {
        published_mode()
    }
