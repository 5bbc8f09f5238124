# Two commands matter: `make demo` and `make test`. Both need only python3.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export DAGSTER_HOME ?= $(CURDIR)/.dagster
UI_PORT ?= 3000

.PHONY: install lock demo test ui lint benchmark clean

# requirements.lock pins every package (and its dependencies) to the versions CI tests; the
# ranges in pyproject.toml say which lines gongkai supports. `make lock` re-resolves them.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Re-resolve requirements.lock from pyproject.toml's ranges (uv, from the package registry).
lock: install
	$(BIN)/python -m pip install --quiet 'uv==0.13.8'
	$(BIN)/uv pip compile pyproject.toml --all-extras --python-version 3.11 --quiet \
	  --custom-compile-command 'make lock' -o requirements.lock

## Serve the bundled demo portal on 127.0.0.1, crawl it, parse, load warehouse/gongkai.duckdb.
demo: install
	$(BIN)/gongkai demo

## The whole test suite (what CI runs).
test: install
	$(BIN)/python -m pytest -q

## The Dagster UI on http://127.0.0.1:3000 (asset graph, partitions, checks, schedules).
# dagster 1.13 points `dagster dev` to `dg dev` (another package) with a warning; both serve the same.
ui: install
	mkdir -p $(DAGSTER_HOME) && cp -n pipelines/dagster.yaml $(DAGSTER_HOME)/ 2>/dev/null || true
	$(BIN)/python -W 'ignore:Function `dev_command` is superseded' -m dagster dev \
	  -m gongkai.pipelines.definitions -h 127.0.0.1 -p $(UI_PORT)

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .dagster data warehouse/*.duckdb

## Figures beside their targets (accuracy, speed, crawl, warehouse scale, faults).
benchmark: install
	$(BIN)/python -m benchmarks
