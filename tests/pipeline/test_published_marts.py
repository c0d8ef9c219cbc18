"""The marts every run publishes (`$DATA_DIR/marts/`: a Parquet file per mart, the daily fact
one per month, the parts of a mart published as a view) read back and compared with the marts
dbt built, on the shared pipeline run of each data set; the published warehouse reads that
version."""

from __future__ import annotations

import pytest

from ingestion.atomic import published_mode
from orchestration.lib.layout import Layout
from orchestration.lib.marts_composed import COMPOSED
from orchestration.lib.warehouse import publication_matches
from tests.helpers import MARTS, parquet_marts_differences

pytestmark = [pytest.mark.e2e, pytest.mark.reliability]


def test_every_mart_is_published_as_built(pipeline):
    layout = Layout(pipeline.data_dir)

    assert parquet_marts_differences(pipeline.data_dir) == {}
    published = {p.stem for p in layout.marts_dir.glob("*.parquet")}
    # The daily fact by month; the marts published as views over their parts in their folders.
    assert published | {"fct_model_downloads_daily", *COMPOSED} == set(MARTS)
    months = sorted(p.stem for p in (layout.marts_dir / "fct_model_downloads_daily").iterdir())
    assert len(months) >= 2 and all(len(m) == 7 and m[4] == "-" for m in months), months
    assert publication_matches(layout)
    assert layout.marts_dir.resolve().parent == layout.marts_versions_dir
    # Readable by other accounts, as the warehouse is (the umask decides, not mkstemp's 0600).
    assert {p.stat().st_mode & 0o777 for p in layout.marts_dir.rglob("*.parquet")} == {
        published_mode()
    }
