# Scrimmage: the two front-door commands are `make run` and `make test`.
# Both create .venv and install the project on first use (torch is pinned
# through constraints.txt to the local CPU build).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= localhost
PORT ?= 8501

.PHONY: setup run test lint typecheck unit e2e eval train bench browser clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Start the app on its offline default at http://localhost:8501 (`seed-demo` only seeds an empty database).
run: setup
	$(BIN)/scrimmage seed-demo
	$(BIN)/streamlit run app.py --server.address $(HOST) --server.port $(PORT) --server.headless true

## Everything CI runs: lint, types, and the whole test suite (unit, integration, app, browser),
## spread over the machine's cores by file (`PYTEST_WORKERS=0` runs it in one process).
PYTEST_WORKERS ?= auto
test: setup browser lint typecheck
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=15

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest tests/unit

e2e: setup browser
	$(BIN)/pytest tests/e2e

## Debian's Chromium for the browser tests (never `playwright install`).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -q && apt-get install -y -q chromium fonts-noto-color-emoji; \
	  else \
	    echo "Chromium is missing: run 'sudo apt-get install -y chromium fonts-noto-color-emoji' (browser tests will be skipped)"; \
	  fi; \
	fi

eval: setup
	$(BIN)/scrimmage eval buyer
	$(BIN)/scrimmage eval buyer --scripts evals/data/buyer_scripts_holdout3.jsonl
	-$(BIN)/scrimmage eval buyer --scripts evals/data/buyer_scripts_holdout4.jsonl
	$(BIN)/scrimmage eval grader --split all --report docs/eval
	$(BIN)/scrimmage eval grader --split holdout_scn

## Rebuild the turn reader from the labelled sentences (evals/registry.yaml, status train).
train: setup
	$(BIN)/scrimmage train

bench: setup
	$(BIN)/scrimmage bench --out docs/bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
