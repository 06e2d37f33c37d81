# Quick start: `make site` builds site/ from content/; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
CHROMIUM := /usr/bin/chromium

.PHONY: site test test-packages lint content bench bench-packages clean

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

# System packages the tests need, installed only when missing (needs root; Debian):
# Chromium for tests/test_browser.py (Playwright drives it; never `playwright install`, which downloads a browser),
# Java for tests/test_html_valid.py (the Nu HTML checker),
# BibTeX, LaTeX and biber for tests/test_tex_toolchain.py: bibtex and kpsewhich come from texlive-binaries, plain.bst
# from texlive-base, plainnat.bst (natbib), natbib.sty, url.sty and pdflatex from texlive-latex-base, biber from biber.
# BIBSITE_SKIP_BROWSER=1 / BIBSITE_SKIP_JAVA=1 / BIBSITE_SKIP_TEX=1 skip those tests.
TEX_BST := /usr/share/texlive/texmf-dist/bibtex/bst
TEST_APT := $(strip \
	$(if $(filter 1,$(BIBSITE_SKIP_BROWSER)),,$(if $(wildcard $(CHROMIUM)),,chromium fonts-dejavu-core)) \
	$(if $(filter 1,$(BIBSITE_SKIP_JAVA)),,$(if $(shell command -v java),,default-jre-headless)) \
	$(if $(filter 1,$(BIBSITE_SKIP_TEX)),,$(if $(shell command -v bibtex),,texlive-binaries) \
		$(if $(wildcard $(TEX_BST)/base/plain.bst),,texlive-base) \
		$(if $(and $(wildcard $(TEX_BST)/natbib/plainnat.bst),$(shell command -v pdflatex)),,texlive-latex-base) \
		$(if $(shell command -v biber),,biber)))

test-packages:
ifneq ($(TEST_APT),)
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEST_APT)
else
	@:
endif

site: $(STAMP)
	$(BIN)/bibsite build --content content --out site

test: $(TEST_STAMP) test-packages
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/python -m pytest

# Re-create the shipped records from the raw listings (see README, "Content").
content: $(STAMP)
	$(BIN)/bibsite import content/raw/* --resolve-with content/reference/acl-anthology-seeds.bib

# Timings and memory on this machine; benchmarks/bench_build.py prints the scale table of the README,
# benchmarks/bench_peer.py the comparison with Hugo (Debian's hugo, installed when missing; needs root).
bench: $(STAMP) bench-packages
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_large_listing.py
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_peer.py

bench-packages:
	@{ command -v hugo && test -x /usr/bin/time; } >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends hugo time; }

clean:
	rm -rf site site.tmp* .pytest_cache .hypothesis
