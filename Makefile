# lps-talent — front door. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup system test report lab bench mutation lint lock clean

help: ## list the targets
	@awk -F ':.*## ' '/^[a-z-]+:.*## / {printf "  make %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: system $(STAMP) ## create .venv with pinned dependencies, system fonts and the Jupyter kernel (idempotent)

system: ## install Debian fonts-noto-cjk, pango and poppler-utils where missing
	@bash scripts/setup-system.sh

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m lps_analysis.kernels.install
	@touch $@

test: setup ## run the whole test suite
	$(BIN)/python -m pytest

report: setup ## produce the reports under reports/
	$(BIN)/lps run

lab: setup ## open JupyterLab on notebooks/ with the project's kernel
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: setup ## run the benchmarks in bench/
	$(BIN)/python -m bench

mutation: setup ## mutation score of the modules that compute or print figures (slow; GROUPS="fmt value" for some)
	nice -n 10 $(BIN)/python scripts/mutation.py $(GROUPS)

lint: setup ## ruff over the package and tests
	$(BIN)/ruff check lps_analysis tests bench

lock: ## re-resolve dependencies from pyproject.toml, rewrite constraints.txt and environment.yml
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/pip install --quiet -e '.[dev]'
	{ sed -n '1,2p' constraints.txt; .lockvenv/bin/pip freeze --exclude-editable | grep -v '^lps-talent'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt && rm -rf .lockvenv
	$(PYTHON) scripts/write_environment.py

clean: ## remove the virtual environment and generated reports
	rm -rf $(VENV) .mutation reports/*/ reports/.snapshot reports/index.html reports/manifest.json
