# Two commands matter: `make demo` and `make test`. Both need only python3.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export DAGSTER_HOME ?= $(CURDIR)/.dagster

.PHONY: install demo test ui lint benchmark clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Serve the bundled demo portal on 127.0.0.1, crawl it, parse, load warehouse/gongkai.duckdb.
demo: install
	$(BIN)/gongkai demo

## The whole test suite (what CI runs).
test: install
	$(BIN)/python -m pytest -q

## The Dagster UI on http://127.0.0.1:3000 (asset graph, partitions, checks, schedules).
ui: install
	mkdir -p $(DAGSTER_HOME) && cp -n dagster.yaml $(DAGSTER_HOME)/ 2>/dev/null || true
	$(BIN)/dagster dev -m pipelines.definitions -h 127.0.0.1 -p 3000

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .dagster data warehouse/*.duckdb

## Figures beside their targets (accuracy, speed, crawl, warehouse scale, faults).
benchmark: install
	$(BIN)/python -m benchmarks
