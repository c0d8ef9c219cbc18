# Benchmarks (bench/README.md; figures of record in BENCHMARKS.md): figures, not timed tests.
.PHONY: bench stages scale soak soak-test
SCALE_MODELS ?= 2000000
SCALE_DAYS ?= 91

# The pipeline on the bundled data, cold, warm and one day (bench/results.json).
bench: $(MANIFEST)
	$(BIN)/python bench/run_bench.py

# Where a daily run's time goes, stage by stage, next to DuckDB alone (bench/stages.json).
stages: $(MANIFEST)
	$(BIN)/python bench/stages.py

# The Hub's scale: generated data under /tmp (hours and ~6 GB at full size; SCALE_MODELS and
# SCALE_DAYS for a quick check), the table into BENCHMARKS.md.
scale: $(MANIFEST)
	$(BIN)/python bench/scale.py --models $(SCALE_MODELS) --days $(SCALE_DAYS) --markdown BENCHMARKS.md

# A year of daily runs on generated data with faults drawn from the rehearsal's plans; the final
# marts must equal one clean run's (bench/soak.json, docs/reliability.md).
SOAK_DAYS ?= 365
SOAK_RUN_EVERY ?= 7
soak: $(MANIFEST)
	$(BIN)/python bench/soak.py --days $(SOAK_DAYS) --run-every $(SOAK_RUN_EVERY)

# Its short version, the test CI runs (opt-in for `make test`: tests/pipeline/test_soak.py).
soak-test: $(MANIFEST)
	OBSERVATORY_SOAK=1 $(BIN)/pytest tests/pipeline/test_soak.py
