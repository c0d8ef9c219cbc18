# Open Model Observatory: `make run` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

# Where the data lives is decided once, in orchestration/lib/layout.py (DATA_DIR, default data/).
# Commands that must see it as the pipeline does (dbt, dagster dev, sqlfluff) run through
# `observatory exec`, which sets DAGSTER_HOME and what dbt reads.
ifdef DATA_DIR
export DATA_DIR := $(abspath $(DATA_DIR))
endif
IN_LAYOUT := $(BIN)/observatory exec
# dagster-dbt looks for `dbt` on PATH when `dagster dev` re-parses the project.
export PATH := $(BIN):$(PATH)
MANIFEST := dbt_project/target/manifest.json

# The real recordings (developers and CI have ../shared; users do not). They get their own
# DATA_DIR: demo and observed data never share a raw layer (see orchestration/lib/origin.py).
RECORDINGS_DIR ?= $(CURDIR)/../shared/data
RECORDED_DATA_DIR ?= $(CURDIR)/data-recorded
# A rehearsed live day gets its own DATA_DIR too (what it stores is served, not observed live);
# it serves the recordings where they are, else the demo data it generates.
REHEARSAL_DATA_DIR ?= $(CURDIR)/data-rehearsal
REHEARSAL_SOURCE := $(if $(wildcard $(RECORDINGS_DIR)/hub/daily),RECORDINGS_DIR=$(abspath $(RECORDINGS_DIR)))
FAULTS ?= standard

.PHONY: help install install-spark spark spark-test run run-recorded rehearse rehearse-serve test unit lint format ui browser summary report sql docs quarantine freshness bench stages scale soak clean

help:
	@echo "make run      install, generate the demo data, ingest it and build the marts"
	@echo "make run-recorded  the same on the real recordings in ../shared/data (data-recorded/)"
	@echo "make rehearse  a live day, offline: local Hub and OpenRouter servers with faults (data-rehearsal/)"
	@echo "make rehearse-serve  only the servers, until Ctrl-C, printing the settings for make run"
	@echo "make test     install, then lint and run the whole test suite"
	@echo "make unit     the unit tests only: the fast loop while editing"
	@echo "make ui       the Dagster UI on http://127.0.0.1:3000 (UI_HOST, UI_PORT to change; Ctrl-C stops it)"
	@echo "make browser  install Debian's chromium for the UI test, if it is missing (make test does)"
	@echo "make summary  print what the marts say now"
	@echo "make report   rebuild the charts, \$$DATA_DIR/reports/index.html, from the warehouse"
	@echo "make sql      an interactive SQL session (Harlequin) on the published marts, read-only"
	@echo "make docs     generate dbt's docs and serve them on http://127.0.0.1:8080 (DOCS_PORT)"
	@echo "make freshness  how old the newest raw snapshot of each source is"
	@echo "make quarantine  list quarantined snapshots and why they were refused"
	@echo "make spark    build the same marts on Spark (dbt-spark, local PySpark) from this DATA_DIR's raw layer"
	@echo "make spark-test  the Spark equivalence test alone (real recordings; OBSERVATORY_SPARK=1)"
	@echo "make bench    time the pipeline on the bundled data (figures in bench/)"
	@echo "make stages   a daily run's time by stage, against DuckDB alone (bench/stages.json)"
	@echo "make scale    daily runs over 2,000,000 generated models, 1 and 90 days loaded (BENCHMARKS.md);"
	@echo "             SCALE_MODELS, SCALE_DAYS for a quick check; hours and ~6 GB of /tmp at full size"
	@echo "make soak     a year of daily runs with faults (SOAK_DAYS, SOAK_RUN_EVERY); the marts must equal a clean run's"
	@echo "make clean    remove data/, data-recorded/, data-rehearsal/, the venv and dbt's target/"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

# The Spark target (dbt-spark, pyspark: about 450 MB) gets a venv of its own, installed only by
# the targets that use it: Great Expectations imports pyspark wherever it is installed (a second
# more of every validating run), and pyspark's import ends pytest-xdist's workers.
SPARK_VENV := .venv-spark
SPARK_PACKAGES := "dbt-core>=1.11,<1.12" "dbt-spark[session]>=1.11,<1.12" "pyspark>=4.3,<4.4"
SPARK_STAMP := $(SPARK_VENV)/.installed-$(shell echo '$(SPARK_PACKAGES)' | cksum | cut -d' ' -f1)
export OBSERVATORY_SPARK_DBT := $(CURDIR)/$(SPARK_VENV)/bin/dbt

$(SPARK_STAMP):
	@test -x $(SPARK_VENV)/bin/python || $(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check $(SPARK_PACKAGES)
	@rm -f $(SPARK_VENV)/.installed-*
	@touch $@

install-spark: $(SPARK_STAMP)

# Dagster reads the dbt manifest; dbt writes it. Re-parse whenever the dbt project changes.
$(MANIFEST): $(STAMP) $(shell find dbt_project -path dbt_project/target -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' -o -name '*.md' \) -print)
	cd dbt_project && $(IN_LAYOUT) dbt parse --quiet

run: $(MANIFEST)
	$(BIN)/observatory run

run-recorded: $(MANIFEST)
	@test -d "$(RECORDINGS_DIR)" || { echo "no recordings at $(RECORDINGS_DIR): set RECORDINGS_DIR"; exit 2; }
	$(MAKE) --no-print-directory run DATA_DIR=$(RECORDED_DATA_DIR) RECORDINGS_DIR=$(abspath $(RECORDINGS_DIR))

# `observatory rehearse` starts servers on 127.0.0.1 that answer like the Hub and OpenRouter,
# injects the faults of FAULTS (standard, none or a JSON plan), runs a live day against them and
# stops (see README, "Rehearsing a live day").
rehearse: $(MANIFEST)
	DATA_DIR=$(REHEARSAL_DATA_DIR) $(REHEARSAL_SOURCE) $(BIN)/observatory rehearse --faults $(FAULTS)

rehearse-serve: $(MANIFEST)
	DATA_DIR=$(REHEARSAL_DATA_DIR) $(REHEARSAL_SOURCE) $(BIN)/observatory rehearse --serve --faults $(FAULTS)

summary: install
	$(BIN)/observatory summary

report: install
	$(BIN)/observatory report

# Harlequin on $DATA_DIR/warehouse.duckdb, read-only: example queries in docs/queries.md.
# It gets a venv of its own: Harlequin pins click exactly (2.17: 8.5.0) where sqlfluff wants
# click < 8.5, and only 2.17 on works with DuckDB 2. The pipeline's DuckDB version goes with
# it, since a DuckDB reads the files of its own version and older.
SQL_VENV := .venv-sql
HARLEQUIN := harlequin>=2.17,<3
SQL_STAMP := $(SQL_VENV)/.installed-$(shell echo '$(HARLEQUIN)' | cksum | cut -d' ' -f1)

$(SQL_STAMP): $(STAMP)
	@test -x $(SQL_VENV)/bin/python || $(PYTHON) -m venv $(SQL_VENV)
	$(SQL_VENV)/bin/python -m pip install --quiet --disable-pip-version-check "$(HARLEQUIN)" \
		"duckdb==$$($(BIN)/python -c 'import duckdb; print(duckdb.__version__)')"
	@rm -f $(SQL_VENV)/.installed-*
	@touch $@

sql: $(SQL_STAMP)
	$(BIN)/observatory sql --harlequin $(CURDIR)/$(SQL_VENV)/bin/harlequin

# dbt's docs of the warehouse this DATA_DIR holds (the catalog reads the build file; run
# `make run` first), served on this machine only.
DOCS_PORT ?= 8080

docs: $(MANIFEST)
	cd dbt_project && $(IN_LAYOUT) dbt docs generate --quiet --target-path $(CURDIR)/dbt_project/target/docs
	cd dbt_project && $(IN_LAYOUT) dbt docs serve --host 127.0.0.1 --port $(DOCS_PORT) --no-browser --target-path $(CURDIR)/dbt_project/target/docs

# How old the newest snapshot of each raw source is (by the day it describes). On the bundled
# recordings this reports them as stale, which they are.
freshness: $(MANIFEST)
	cd dbt_project && $(IN_LAYOUT) dbt source freshness

quarantine: install
	$(BIN)/observatory quarantine

# sqlfluff's dbt templater opens the profile's DuckDB file: give it a scratch one, so linting
# never contends with a pipeline run for the warehouse's write lock. Seeds are loaded into it
# because one macro reads a seed while compiling (the family rules).
LINT_DATA := $(CURDIR)/.lint-data

lint: $(MANIFEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd dbt_project && DATA_DIR=$(LINT_DATA) $(IN_LAYOUT) dbt seed --quiet
	DATA_DIR=$(LINT_DATA) $(IN_LAYOUT) sqlfluff lint dbt_project/models --processes 2

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	DATA_DIR=$(LINT_DATA) $(IN_LAYOUT) sqlfluff fix dbt_project/models --processes 2

# The UI test (tests/integration/test_ui.py) drives Debian's Chromium through Playwright (from
# PyPI, without Playwright's own browser download). Installed once, when it is missing; apt-get
# needs root (or sudo).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_CHROMIUM := $(SUDO) apt-get install -y chromium chromium-driver

browser:
	@test -x $(CHROMIUM) || { echo "installing Debian's chromium for the UI test"; \
		$(APT_CHROMIUM) || { $(SUDO) apt-get update && $(APT_CHROMIUM); }; }

# Two workers, one a core (tests/conftest.py says how tests are grouped and orders the groups
# slowest first; --no-loadscope-reorder keeps that order); the slowest tests, and the fixtures
# they set up, are named at the end: where the time goes.
# With OBSERVATORY_SPARK=1 (.ci/run sets it) the Spark equivalence test runs too, and the Spark
# venv is installed for it.
test: lint browser $(if $(filter 1,$(OBSERVATORY_SPARK)),$(SPARK_STAMP))
	$(BIN)/pytest -n 2 --dist loadgroup --no-loadscope-reorder --durations=25

# The fast loop while editing: the unit tests only (no pipeline run, no dbt), in seconds.
unit: install
	$(BIN)/pytest tests/unit -q

# The UI has no login and can launch runs: it listens on this machine only unless asked
# otherwise, deliberately (`make ui UI_HOST=0.0.0.0`: see README, "Reliability").
UI_HOST ?= 127.0.0.1
UI_PORT ?= 3000

# `dagster dev` runs the webserver and the daemon (schedules, queued runs); `observatory exec`
# writes DAGSTER_HOME's dagster.yaml (telemetry and the first-visit dialog off) and then becomes
# `dagster dev`, so Ctrl-C (SIGINT to the terminal's process group) or SIGTERM to make reaches
# it, and it stops the webserver, the daemon and the code server before it exits.
ui: $(MANIFEST)
	@if [ "$(UI_HOST)" != 127.0.0.1 ] && [ "$(UI_HOST)" != localhost ]; then \
		echo "warning: the Dagster UI (no login, can launch runs) listens on $(UI_HOST):$(UI_PORT)"; fi
	$(IN_LAYOUT) dagster dev -w workspace.yaml -h $(UI_HOST) -p $(UI_PORT)

# The same dbt models on Spark, from the raw layer a run left in DATA_DIR (`make run` or
# `make run-recorded DATA_DIR=...` first): tables and metastore in $$DATA_DIR/build/spark. Data
# tests run on DuckDB in every run; here only the models and seeds are built (`make spark
# SPARK_ARGS=` to run the tests too). The Dagster pipeline stays on DuckDB (README, "Scaling out").
SPARK_ARGS ?= --exclude test_type:data test_type:unit

spark: $(SPARK_STAMP) $(MANIFEST)
	cd dbt_project && $(IN_LAYOUT) sh -c 'exec $(OBSERVATORY_SPARK_DBT) build --target spark $(SPARK_ARGS) \
		--target-path "$$OBSERVATORY_SPARK_DIR/target" --log-path "$$OBSERVATORY_SPARK_DIR/logs"'

# The equivalence test alone: the pipeline on the real recordings, then the Spark build, then
# every mart compared (tests/integration/test_spark_equivalence.py).
spark-test: $(STAMP) $(SPARK_STAMP) $(MANIFEST)
	OBSERVATORY_SPARK=1 $(BIN)/pytest tests/integration/test_spark_equivalence.py --durations=5

bench: $(MANIFEST)
	$(BIN)/python bench/run_bench.py

# Where a daily run's time goes, stage by stage, next to DuckDB alone (bench/stages.json).
stages: $(MANIFEST)
	$(BIN)/python bench/stages.py

# The Hub's scale (issue 14): generated data under /tmp, the table into BENCHMARKS.md.
SCALE_MODELS ?= 2000000
SCALE_DAYS ?= 91
scale: $(MANIFEST)
	$(BIN)/python bench/scale.py --models $(SCALE_MODELS) --days $(SCALE_DAYS) --markdown BENCHMARKS.md

# The soak (issue 26): a year of daily runs on generated data with faults drawn from the
# rehearsal's plans; the final marts must equal one clean run's (bench/soak.json, docs).
SOAK_DAYS ?= 365
SOAK_RUN_EVERY ?= 7
soak: $(MANIFEST)
	$(BIN)/python bench/soak.py --days $(SOAK_DAYS) --run-every $(SOAK_RUN_EVERY)

clean:
	rm -rf data data-recorded data-rehearsal $(VENV) $(SQL_VENV) $(SPARK_VENV) $(LINT_DATA) dbt_project/target dbt_project/logs
