# Open Model Observatory: `make run` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
PYTHON ?= python3
BIN := $(CURDIR)/.venv/bin

# Where the data lives is decided once, in orchestration/lib/layout.py (DATA_DIR, default data/).
# Tools that must see it as the pipeline does (dbt, dagster dev, sqlfluff) run through
# `observatory exec`.
ifdef DATA_DIR
export DATA_DIR := $(abspath $(DATA_DIR))
endif
IN_LAYOUT := $(BIN)/observatory exec
# dagster-dbt looks for `dbt` on PATH when `dagster dev` re-parses the project.
export PATH := $(BIN):$(PATH)
MANIFEST := dbt_project/target/manifest.json

# The real recordings (developers and CI have ../shared; users do not), in a DATA_DIR of their
# own: demo and observed data never share a raw layer (orchestration/lib/origin.py).
RECORDINGS_DIR ?= $(CURDIR)/../shared/data
RECORDED_DATA_DIR ?= $(CURDIR)/data-recorded
REHEARSAL_DATA_DIR ?= $(CURDIR)/data-rehearsal
REHEARSAL_SOURCE := $(if $(wildcard $(RECORDINGS_DIR)/hub/daily),RECORDINGS_DIR=$(abspath $(RECORDINGS_DIR)))
FAULTS ?= standard

.PHONY: help install run run-recorded rehearse rehearse-serve test unit lint format ui browser \
	summary report sql docs quarantine freshness clean

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
	@echo "make spark    build the same marts on Spark from this DATA_DIR's raw layer (dbt_project/spark.mk)"
	@echo "make spark-test  the Spark equivalence tests alone (real recordings, the rebuild chain; OBSERVATORY_SPARK=1)"
	@echo "make bench    time the pipeline on the bundled data (bench/bench.mk)"
	@echo "make stages   a daily run's time by stage, against DuckDB alone (bench/stages.json)"
	@echo "make scale    daily runs over 2,000,000 generated models (BENCHMARKS.md; hours at full size)"
	@echo "make soak     a year of daily runs with faults (SOAK_DAYS, SOAK_RUN_EVERY; bench/bench.mk); the marts must equal a clean run's"
	@echo "make soak-test  the soak's short version alone (18 days; CI runs it, make test does not)"
	@echo "make clean    remove data/, data-recorded/, data-rehearsal/, the venvs and dbt's target/"

# One venv per environment of pyproject.toml: `.venv` (the project and its `dev` group),
# `.venv-spark` and `.venv-sql` (their groups alone). A stamp per pyproject.toml's checksum
# reinstalls a venv when the file changes. $(call venv,DIR,PIP ARGS)
PYPROJECT_SUM := $(shell cksum pyproject.toml | cut -d' ' -f1)
define venv
	@test -x $(1)/bin/python || $(PYTHON) -m venv $(1)
	$(1)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(1)/bin/python -m pip install --quiet --disable-pip-version-check $(2)
	@rm -f $(1)/.installed-* && touch $(1)/.installed-$(PYPROJECT_SUM)
endef
STAMP := .venv/.installed-$(PYPROJECT_SUM)

$(STAMP): pyproject.toml
	$(call venv,.venv,-e . --group dev)

install: $(STAMP)

# Dagster reads the dbt manifest; dbt writes it. Re-parse whenever the dbt project changes.
$(MANIFEST): $(STAMP) $(shell find dbt_project -path dbt_project/target -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' -o -name '*.md' \) -print)
	cd dbt_project && $(IN_LAYOUT) dbt parse --quiet

run: $(MANIFEST)
	$(BIN)/observatory run

run-recorded: $(MANIFEST)
	@test -d "$(RECORDINGS_DIR)" || { echo "no recordings at $(RECORDINGS_DIR): set RECORDINGS_DIR"; exit 2; }
	$(MAKE) --no-print-directory run DATA_DIR=$(RECORDED_DATA_DIR) RECORDINGS_DIR=$(abspath $(RECORDINGS_DIR))

# Local servers that answer like the Hub and OpenRouter, with the faults of FAULTS (standard,
# none or a JSON plan), a live day against them (docs/reliability.md, "Rehearsing a live day").
rehearse: $(MANIFEST)
	DATA_DIR=$(REHEARSAL_DATA_DIR) $(REHEARSAL_SOURCE) $(BIN)/observatory rehearse --faults $(FAULTS)

rehearse-serve: $(MANIFEST)
	DATA_DIR=$(REHEARSAL_DATA_DIR) $(REHEARSAL_SOURCE) $(BIN)/observatory rehearse --serve --faults $(FAULTS)

summary: install
	$(BIN)/observatory summary

report: install
	$(BIN)/observatory report

quarantine: install
	$(BIN)/observatory quarantine

# Harlequin on the published warehouse, read-only (docs/queries.md), with the pipeline's DuckDB.
SQL_STAMP := .venv-sql/.installed-$(PYPROJECT_SUM)

$(SQL_STAMP): $(STAMP)
	$(call venv,.venv-sql,--group sql "duckdb==$$($(BIN)/python -c 'import duckdb; print(duckdb.__version__)')")

sql: $(SQL_STAMP)
	$(BIN)/observatory sql --harlequin $(CURDIR)/.venv-sql/bin/harlequin

# dbt's docs of this DATA_DIR's warehouse (`make run` first), served on this machine only.
DOCS_PORT ?= 8080

docs: $(MANIFEST)
	cd dbt_project && $(IN_LAYOUT) dbt docs generate --quiet --target-path $(CURDIR)/dbt_project/target/docs
	cd dbt_project && $(IN_LAYOUT) dbt docs serve --host 127.0.0.1 --port $(DOCS_PORT) --no-browser --target-path $(CURDIR)/dbt_project/target/docs

# On the bundled recordings this reports them as stale, which they are.
freshness: $(MANIFEST)
	cd dbt_project && $(IN_LAYOUT) dbt source freshness

# sqlfluff's dbt templater opens the profile's DuckDB file: a scratch one, so linting never
# contends with a run for the warehouse's write lock; seeded, since a macro reads a seed.
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

# The UI test drives Debian's Chromium through Playwright (no Playwright browser download).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_CHROMIUM := $(SUDO) apt-get install -y chromium chromium-driver

browser:
	@test -x $(CHROMIUM) || { echo "installing Debian's chromium for the UI test"; \
		$(APT_CHROMIUM) || { $(SUDO) apt-get update && $(APT_CHROMIUM); }; }

include dbt_project/spark.mk
include bench/bench.mk

# The tests' folders in memory where /dev/shm has 8 GB free (one folder per checkout, removed
# after a passing run): a pipeline run in a test writes thousands of Dagster events, and SQLite
# syncs each one to disk (docs/notes/issue-28-one-home.md, "Where the suite waited").
TEST_TMP ?= $(shell d=/dev/shm; [ -w $$d ] && [ "$$(df -Pk $$d | awk 'NR==2 {print $$4}')" -gt 8388608 ] \
	&& echo $$d/observatory-tests-$$(id -u)-$$(echo $(CURDIR) | cksum | cut -d' ' -f1))

# Two workers, one a core; tests/plugins/scheduling.py orders the groups slowest first
# (--no-loadscope-reorder keeps that order). With OBSERVATORY_SPARK=1 and OBSERVATORY_SOAK=1
# (.ci/run) the Spark equivalence test and the soak's short version run too.
test: lint browser $(if $(filter 1,$(OBSERVATORY_SPARK)),$(SPARK_STAMP))
	$(BIN)/pytest -n 2 --dist loadgroup --no-loadscope-reorder --durations=25 \
		$(if $(TEST_TMP),--basetemp $(TEST_TMP))
	$(if $(TEST_TMP),rm -rf $(TEST_TMP))

unit: install
	$(BIN)/pytest tests/ingestion tests/simulation tests/cli tests/orchestration -q

# The UI has no login and can launch runs: it listens on this machine only unless asked
# (`make ui UI_HOST=0.0.0.0`: docs/reliability.md).
UI_HOST ?= 127.0.0.1
UI_PORT ?= 3000

# `observatory exec` becomes `dagster dev`, so Ctrl-C reaches it and it stops its processes.
ui: $(MANIFEST)
	@if [ "$(UI_HOST)" != 127.0.0.1 ] && [ "$(UI_HOST)" != localhost ]; then \
		echo "warning: the Dagster UI (no login, can launch runs) listens on $(UI_HOST):$(UI_PORT)"; fi
	$(IN_LAYOUT) dagster dev -w workspace.yaml -h $(UI_HOST) -p $(UI_PORT)

clean:
	rm -rf data data-recorded data-rehearsal .venv .venv-sql .venv-spark $(LINT_DATA) dbt_project/target dbt_project/logs
