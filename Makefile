# Task runner for the ATMP competence notebooks. `make help` lists the targets.
# Every target creates the virtual environment (.venv) and installs the package first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install report test test-unit test-notebooks lint refresh screenshots bench lab app validate prune clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the package with its test tools

report: $(STAMP) ## Build the full HTML report from the shipped data and params/default.yaml
	$(BIN)/atmp-report run

validate: $(STAMP) ## Check the data tables and parameter files without running notebooks
	$(BIN)/atmp-report validate

test: $(STAMP) ## Install and run the whole test suite (lint, unit, browser, nbval)
	scripts/ensure-chromium.sh
	scripts/ensure-browser-tools.sh
	$(BIN)/ruff check atmp_lib tests benchmarks scripts
	$(BIN)/pytest -q
	$(BIN)/pytest -q --nbval notebooks --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider

test-unit: $(STAMP) ## Run the unit tests only
	$(BIN)/pytest -q -m "not browser and not slow"

test-notebooks: $(STAMP) ## Compare the notebooks' stored outputs with a fresh run (nbval)
	$(BIN)/pytest -q --nbval notebooks --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider

lint: $(STAMP) ## Check style with ruff
	$(BIN)/ruff check atmp_lib tests benchmarks scripts

refresh: $(STAMP) ## Re-execute the committed notebooks so their stored outputs match the code
	$(BIN)/atmp-report refresh

screenshots: $(STAMP) ## Regenerate the per-section screenshots in docs/
	scripts/ensure-chromium.sh
	$(BIN)/python scripts/screenshots.py

bench: $(STAMP) ## Run the benchmarks (report run against its floor; scenario model)
	$(BIN)/python benchmarks/bench_model.py
	$(BIN)/python benchmarks/bench_report.py

lab: $(STAMP) ## Open the notebooks in JupyterLab
	$(BIN)/jupyter lab notebooks

app: $(STAMP) ## Serve the scenario explorer as a web app on http://127.0.0.1:8866 (Voila)
	$(BIN)/atmp-report app scenarios --port 8866

prune: $(STAMP) ## Remove old report runs, keeping the newest 10 and the one latest points at
	$(BIN)/atmp-report prune --keep 10

clean: ## Remove generated reports (keeps .venv)
	rm -rf reports
