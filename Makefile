# seedsnap — `make help` lists the targets.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SNAPSHOT ?= out/medium

.PHONY: help setup run test lint bench snapshots clean ddl readme

help: ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/seedsnap: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

setup: $(BIN)/seedsnap ## Create the virtual environment and install seedsnap with dev extras

run: $(BIN)/seedsnap ## Build the medium snapshot, check it, load it into ./seedsnap.duckdb
	$(BIN)/seedsnap build --mode medium --out $(SNAPSHOT)
	$(BIN)/seedsnap check $(SNAPSHOT)
	$(BIN)/seedsnap load $(SNAPSHOT) --create-schema

test: $(BIN)/seedsnap ## Run the test suite (PostgreSQL tests need 127.0.0.1:5432)
	$(BIN)/pytest -q

lint: $(BIN)/seedsnap ## ruff check, ruff format --check, mypy --strict on src/
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: $(BIN)/seedsnap ## Run the benchmarks in bench/ (prints ratios against baselines)
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

ddl: $(BIN)/seedsnap ## Regenerate loaders/<dialect>/schema.sql from the schema model
	@for d in postgres duckdb sqlite; do \
		$(BIN)/seedsnap schema --dialect $$d > loaders/$$d/schema.sql.tmp && \
		mv loaders/$$d/schema.sql.tmp loaders/$$d/schema.sql && echo "wrote loaders/$$d/schema.sql" || exit 1; \
	done

clean: ## Remove build outputs (not the committed snapshots)
	rm -rf out seedsnap.duckdb .pytest_cache

readme: $(BIN)/seedsnap ## Regenerate the README's graph and row-count sections
	$(BIN)/python -m seedsnap.docs README.md

snapshots: $(BIN)/seedsnap ## Rebuild the committed snapshots (snapshots/mentara-light, -medium)
	$(BIN)/seedsnap build --mode light --out snapshots/mentara-light --quiet
	$(BIN)/seedsnap build --mode medium --out snapshots/mentara-medium --quiet
