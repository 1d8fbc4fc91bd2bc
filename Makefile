# angang — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RUNS   ?= 64
SEED   ?= 1
OUT    ?= runs/baseline
CHROMIUM ?= /usr/bin/chromium
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all install run test test-fast bench lint docs calibrate dashboard screenshots clean

all: run

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,calibrate,dashboard,cluster]'
	touch $(STAMP)

install: $(STAMP)

## run the baseline ensemble, print its summary and scorecard, write its report.html
run: install
	$(BIN)/angang run baseline --runs $(RUNS) --seed $(SEED) --out $(OUT) --overwrite

## Debian's Chromium for the browser tests (Playwright drives it; no browser download)
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

## the whole test suite (unit, properties, scenarios, e2e, browser)
test: install $(CHROMIUM)
	ANGANG_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest

## only the fast layer
test-fast: install
	$(BIN)/python -m pytest -m "not slow and not browser"

## throughput and memory of the engine, written to benchmarks/results/
bench: install
	$(BIN)/python benchmarks/run.py

## the interactive dashboard on http://localhost:8765
dashboard: install
	$(BIN)/angang dashboard

## README's screenshots of the report and the dashboard (docs/images/)
screenshots: install $(CHROMIUM)
	$(BIN)/python scripts/screenshots.py docs/images

## fit the global parameters (ABC-SMC) and install them as the baseline's
calibrate: install
	$(BIN)/angang calibrate --search-iterations 120 --search-width 0.1 --population 100 --out runs/calibration --write-baseline

## refresh the generated tables of docs/ODD.md
docs: install
	$(BIN)/python -m angang.docs docs/ODD.md

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) runs .pytest_cache .mypy_cache .ruff_cache .hypothesis
