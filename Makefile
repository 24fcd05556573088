# The two quick-start commands: `make demo` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= build

.PHONY: demo test test-fast lint install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: $(VENV)/.installed
	$(BIN)/airm build --out $(OUT)
	$(BIN)/airm validate --severity warning
	$(BIN)/airm query run training-methods-for-risk --param risk="value misalignment"

# The whole suite, one test file per process on two processes (the machines it runs on have two cores): module
# fixtures stay in one process. Files go out longest first (tests/file_costs.py; --no-loadscope-reorder keeps that
# order): xdist's own order, most tests first, left the few-test long files to the end, one running alone. The five
# sources are imported and built once per run for both workers. Measured 2 Dec 2026 on a 2-core machine shared with
# other work (load 4-8): the not-slow part (1,832 tests) took 920 s wall before these changes; the five-source slow
# tests (25) took 348 CPU s before, 314 after. No whole-suite figure: a run under that load passed 60 min unfinished.
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder

# The edit loop: everything but the slow tests (full imports, wheel install, load test, browsers' long runs).
test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m "not slow" -q -n 2 --dist loadfile --no-loadscope-reorder

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks

# Every figure of issue 17 and the ones before it, then the table of where each target stands (benchmarks/README.md).
# An hour or more on two cores; each script can be run alone (benchmarks/README.md says how).
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py --scale 1000000
	$(BIN)/python benchmarks/raw.py
	$(BIN)/python benchmarks/startup.py --readme benchmarks/README.md
	$(BIN)/python benchmarks/import_build.py
	$(BIN)/python benchmarks/load.py --update-readme
	$(BIN)/python benchmarks/pages.py --import-sources --update-readme
	$(BIN)/python benchmarks/targets.py

clean:
	rm -rf $(OUT) .pytest_cache
