# `make guide` builds every guide under data/; `make test` runs the tests.
# Both create .venv and install guide into it on first use: a machine needs only python3 and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

GUIDES := $(patsubst data/%/guide.yaml,%,$(wildcard data/*/guide.yaml))
CODE := $(shell find guide styles -type f -not -path '*/__pycache__/*' 2>/dev/null)

.PHONY: guide check test lint bench fuzz clean venv
.DEFAULT_GOAL := guide

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

# Each guide is rebuilt only when its data, the styles or the code changed: an
# unchanged tree makes no work. Folders are prerequisites too: removing or renaming a
# question file changes its folder's time.
guide: $(GUIDES:%=output/%/manifest.json)

.SECONDEXPANSION:
output/%/manifest.json: $(STAMP) $(CODE) $$(shell find data/$$*)
	$(BIN)/guide build data/$*
	@touch $@  # an unchanged edition is kept as it was, so mark it up to date here

check: $(STAMP)
	$(BIN)/guide check

test: $(STAMP)
	$(BIN)/python -m pytest -q

# mypy checks what pyproject.toml's [tool.mypy] names: guide/ and tests/ (and the benchmarks
# modules the tests import), all strict.
lint: $(STAMP)
	$(BIN)/ruff check guide tests benchmarks
	$(BIN)/ruff format --check guide tests benchmarks
	$(BIN)/mypy

# Speed and memory targets live here, never in timed tests: see benchmarks/README.md.
# make bench BENCH_ARGS="--sizes 15,1000" for a quick run.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

# The property-based tests with many more examples than `make test` runs.
fuzz: $(STAMP)
	GUIDE_FUZZ_EXAMPLES=2000 $(BIN)/python -m pytest -q tests/test_properties.py

clean:
	rm -rf output build guide.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
