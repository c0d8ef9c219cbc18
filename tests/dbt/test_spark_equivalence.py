"""The Spark target builds the same marts as DuckDB (issue 14, "A distributed engine").

On the real recordings, the pipeline's run (the shared `pipeline` fixture, case `real`: its raw
layer and its DuckDB marts) is built again with `dbt build --target spark` (dbt-spark, a local
PySpark session, `profiles.yml`), from the same raw Parquet files, and every mart Spark builds
is compared with DuckDB's, row by row, in any order.

Values compare exactly (strings, integers, decimals, dates, timestamps, booleans, lists), except
floating-point numbers (DOUBLE), which may differ in the last bits: both engines sum and divide
in parallel and in their own order, and IEEE addition is not associative. They compare to a
relative 1e-9, far below any figure the marts publish.

Opt-in (a JVM and a second build of every model take minutes): `OBSERVATORY_SPARK=1`, which
`.ci/run` sets; `make spark-test` runs it alone. dbt-spark and pyspark live in their own venv
(`.venv-spark`, `make install-spark`; `OBSERVATORY_SPARK_DBT` names its `dbt`): the Spark
tables are read by that venv's Python (`spark_dump.py`, written as Parquet) and compared here
through DuckDB. Skipped, saying why, without the recordings, Java or the Spark venv.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.layout import Layout
from orchestration.lib.settings import DBT_PROJECT_DIR
from tests.data import requires_real_data
from tests.dbt.test_dbt_unit_tests import errors
from tests.plugins.pipeline import PipelineCase

# The Spark venv's dbt (the Makefile exports it), else the repository's `.venv-spark`.
SPARK_DBT = Path(
    os.environ.get("OBSERVATORY_SPARK_DBT") or DBT_PROJECT_DIR.parent / ".venv-spark/bin/dbt"
)
SPARK_DUMP = Path(__file__).with_name("spark_dump.py")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.environ.get("OBSERVATORY_SPARK") != "1",
        reason="the Spark equivalence test is opt-in (OBSERVATORY_SPARK=1; .ci/run and "
        "`make spark-test` set it): it starts a JVM and builds every model again",
    ),
    pytest.mark.skipif(shutil.which("java") is None, reason="no Java: Spark needs a JVM"),
    pytest.mark.skipif(
        not os.access(SPARK_DBT, os.X_OK),
        reason=f"no dbt with dbt-spark at {SPARK_DBT} (`make install-spark`)",
    ),
]

# The pipeline's run on the real recordings only (the `pipeline` fixture runs the demo too).
on_real_run = pytest.mark.parametrize(
    "pipeline", [pytest.param("real", marks=requires_real_data)], indirect=True
)

# DOUBLE values: see the module's docstring.
FLOAT_TOLERANCE = 1e-9
# DECIMAL columns computed in DOUBLE on both engines, then cast: the median price (DuckDB's
# `median` of a DECIMAL interpolates in DOUBLE, as Spark's does; the two doubles can differ in
# their last bit, 0.75625 against 0.7562500000000001, so the 16th decimal differs). Compared as
# DOUBLE values are.
DOUBLE_COMPUTED_DECIMALS = {"median_blended_usd_per_mtok"}


def spark_build(
    data_dir, *args: str, env: dict[str, str] | None = None, project_dir: Path = DBT_PROJECT_DIR
) -> subprocess.CompletedProcess:
    """`observatory exec dbt build --target spark`, as `make spark` runs it, on this DATA_DIR.
    dbt's artifacts go beside the Spark tables, not to dbt_project/target, which the other
    tests' Dagster definitions read. Data tests are left to the DuckDB build (the same SQL);
    the unit tests too (they run in test_dbt_unit_tests.py)."""
    layout = Layout(data_dir)
    env = {
        **os.environ,
        **layout.dbt_env(),
        "DBT_PROFILES_DIR": str(project_dir),
        "TZ": "UTC",
        **(env or {}),
    }
    return subprocess.run(
        [
            str(SPARK_DBT),
            "build",
            "--target",
            "spark",
            "--exclude",
            "test_type:data",
            "test_type:unit",
            *args,
            "--target-path",
            str(layout.spark_dir / "target"),
            "--log-path",
            str(layout.spark_dir / "logs"),
            "--log-format",
            "json",
        ],
        cwd=project_dir,
        env=env,
        capture_output=True,
        text=True,
    )


def normalise(value):
    """One value as both engines' Python clients should give it: timestamps as naive UTC."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, list | tuple):
        return tuple(normalise(item) for item in value)
    return value


def sort_key(row: tuple) -> tuple:
    # Floats rounded for ordering only (they are compared with a tolerance below); None first.
    return tuple(
        (0, "") if v is None else (1, repr(round(v, 6) if isinstance(v, float) else v)) for v in row
    )


def same_value(left, right, column: str = "") -> bool:
    if column in DOUBLE_COMPUTED_DECIMALS and isinstance(left, decimal.Decimal):
        left, right = float(left), float(right) if right is not None else None
    if isinstance(left, float) and isinstance(right, float):
        if math.isnan(left) or math.isnan(right):
            return math.isnan(left) and math.isnan(right)
        return math.isclose(left, right, rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE)
    if isinstance(left, decimal.Decimal) and isinstance(right, decimal.Decimal):
        return left == right
    return left == right and type(left) is type(right)


def differences(duck: list[tuple], spark: list[tuple], columns: list[str]) -> list[str]:
    if len(duck) != len(spark):
        return [f"{len(duck)} rows in DuckDB, {len(spark)} in Spark"]
    found = []
    for duck_row, spark_row in zip(
        sorted(duck, key=sort_key), sorted(spark, key=sort_key), strict=True
    ):
        for column, left, right in zip(columns, duck_row, spark_row, strict=True):
            if not same_value(left, right, column):
                found.append(f"{column}: DuckDB {left!r} != Spark {right!r} in {duck_row!r}")
    return found


@pytest.fixture(scope="module")
def spark_marts(pipeline: PipelineCase, tmp_path_factory):
    """Every mart of both builds: {mart: (columns, DuckDB rows, Spark rows)}."""
    built = spark_build(pipeline.data_dir)
    assert built.returncode == 0, errors(built)

    with duckdb.connect(str(pipeline.warehouse), read_only=True) as con:
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by table_name"
            ).fetchall()
        ]
        duck = {}
        for mart in marts:
            result = con.execute(f"select * from marts.{mart}")
            columns = [column[0] for column in result.description]
            duck[mart] = (columns, [tuple(map(normalise, row)) for row in result.fetchall()])

    spark = read_spark_marts(
        Layout(pipeline.data_dir).spark_dir,
        tmp_path_factory.mktemp("spark-marts"),
        {mart: columns for mart, (columns, _) in duck.items()},
    )
    return {mart: (columns, rows, spark[mart]) for mart, (columns, rows) in duck.items()}


def read_spark_marts(
    spark_dir: Path, dumped: Path, columns: dict[str, list[str]], schema: str = "marts"
) -> dict[str, list[tuple]]:
    """The rows of each table named in `columns` (its columns in that order) that the Spark
    build left in `spark_dir`, normalised as DuckDB's are."""
    # The Spark venv's Python writes each mart as Parquet (one Derby user of the metastore at a
    # time, and dbt has exited); DuckDB reads both sides, so both give the same Python types.
    dump = subprocess.run(
        [str(SPARK_DBT.parent / "python"), str(SPARK_DUMP), str(spark_dir), schema, str(dumped)],
        capture_output=True,
        text=True,
    )
    assert dump.returncode == 0, dump.stderr[-3000:]
    found = {}
    with duckdb.connect() as con:
        for mart, names in columns.items():
            files = dumped / f"{mart}.parquet" / "*.parquet"
            selected = ", ".join(f'"{column}"' for column in names)
            rows = con.execute(f"select {selected} from read_parquet('{files}')").fetchall()
            found[mart] = [tuple(map(normalise, row)) for row in rows]
    return found


@on_real_run
def test_spark_builds_every_mart_duckdb_builds(spark_marts):
    assert len(spark_marts) >= 15  # every mart of the project, not an empty schema
    # Empty on the recordings, and rightly: they carry every day's lifetime counter (no 30-day
    # window day) and only registry organisations. The next test compares them all the same.
    empty_on_recordings = {"fct_model_downloads_window", "mart_unattributed_orgs"}
    empty = {mart for mart, (_, duck_rows, _) in spark_marts.items() if not duck_rows}
    assert empty <= empty_on_recordings


@on_real_run
def test_every_mart_is_the_same_on_spark(spark_marts):
    found = {
        mart: diffs[:5]
        for mart, (columns, duck_rows, spark_rows) in spark_marts.items()
        if (diffs := differences(duck_rows, spark_rows, columns))
    }
    assert not found, found
