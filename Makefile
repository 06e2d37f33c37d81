# Quick start: `make site` builds site/ from content/; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: site test lint content bench clean

# Debian's python3 lacks venv until python3-venv is installed; install it when missing (needs root).
$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

site: $(STAMP)
	$(BIN)/bibsite build --content content --out site

test: $(TEST_STAMP)
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/python -m pytest

# Re-create the shipped records from the raw listings (see README, "Content").
content: $(STAMP)
	$(BIN)/bibsite import content/raw/* --resolve-with content/reference/acl-anthology-seeds.bib

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_import.py

clean:
	rm -rf site site.tmp* .pytest_cache .hypothesis
