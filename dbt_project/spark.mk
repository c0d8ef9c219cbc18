# The same dbt models on Spark (dbt-spark, local PySpark; the `spark` group of pyproject.toml in
# .venv-spark), from the raw layer a run left in DATA_DIR: tables and metastore in
# $$DATA_DIR/build/spark. The Dagster pipeline stays on DuckDB (docs/scaling.md). Data tests run
# on DuckDB in every run; here only models and seeds are built (`make spark SPARK_ARGS=` for all).
.PHONY: install-spark spark spark-test
SPARK_STAMP := .venv-spark/.installed-$(PYPROJECT_SUM)
export OBSERVATORY_SPARK_DBT := $(CURDIR)/.venv-spark/bin/dbt
SPARK_ARGS ?= --exclude test_type:data test_type:unit

$(SPARK_STAMP): pyproject.toml
	$(call venv,.venv-spark,--group spark)

install-spark: $(SPARK_STAMP)

spark: $(SPARK_STAMP) $(MANIFEST)
	cd dbt_project && $(IN_LAYOUT) sh -c 'exec $(OBSERVATORY_SPARK_DBT) build --target spark $(SPARK_ARGS) \
		--target-path "$$OBSERVATORY_SPARK_DIR/target" --log-path "$$OBSERVATORY_SPARK_DIR/logs"'

# The pipeline on the real recordings, then the Spark build, then every mart compared; and the
# rebuild chain (tests/dbt/test_rebuild_equivalence.py) on DuckDB and Spark.
spark-test: $(STAMP) $(SPARK_STAMP) $(MANIFEST)
	OBSERVATORY_SPARK=1 $(BIN)/pytest tests/dbt/test_spark_equivalence.py tests/dbt/test_rebuild_equivalence.py --durations=5
