"""Writes every table of one Spark schema as Parquet, for the Spark equivalence test.

Run by the Spark venv's Python (`.venv-spark`, `make install-spark`), not the test's: pyspark
stays out of the pipeline's environment. Arguments: the Spark folder of a DATA_DIR
(`Layout.spark_dir`, where dbt-spark left its tables and Hive metastore), the schema, and the
folder to write `<table>.parquet` into. Timestamps are written as microseconds (not Spark's
INT96), so DuckDB reads them as the same type it built.
"""

import sys
from pathlib import Path

from pyspark.sql import SparkSession


def main(spark_dir: str, schema: str, out: str) -> None:
    session = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.sql.warehouse.dir", f"{spark_dir}/warehouse")
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={spark_dir}/metastore_db;create=true",
        )
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={spark_dir}")
        .enableHiveSupport()
        .getOrCreate()
    )
    try:
        for row in session.sql(f"show tables in {schema}").collect():
            table = row["tableName"]
            target = Path(out) / f"{table}.parquet"
            session.table(f"{schema}.{table}").coalesce(1).write.mode("overwrite").parquet(
                str(target)
            )
    finally:
        session.stop()


if __name__ == "__main__":
    main(*sys.argv[1:4])
