# ssi-analysis — run `make` to list the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SAMPLE ?= data/raw/sample
PROCESSED ?= data/processed
REPORTS ?= reports
SAMPLE_TZ ?= Europe/Berlin

LOCK := requirements.lock

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

.PHONY: help
help: ## List the targets
	@$(PYTHON) -c "import re,sys; [print(f'  {m[0]:<10} {m[1]}') for m in re.findall(r'^([a-z-]+):.*?## (.*)$$', open('Makefile').read(), re.M)]"

.PHONY: env
env: $(STAMP) ## Create .venv and install the kit (editable) with its test tools

.PHONY: lock
lock: ## Re-resolve requirements.lock from pyproject.toml (newest versions that fit)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 --no-header --annotation-style line \
		--upgrade -o $(LOCK)
	@echo "requirements.lock updated; run make env to install it"

.PHONY: dev
dev: env ## Add JupyterLab and ruff to .venv for interactive work
	$(PY) -m pip install --quiet -e '.[test,dev]'

.PHONY: report
report: env ## Ingest the bundled sample and write reports/index.html
	$(PY) -m ssi_analysis ingest $(SAMPLE)/member --tz $(SAMPLE_TZ) --out $(PROCESSED)
	$(PY) -m ssi_analysis ingest $(SAMPLE)/team --out $(PROCESSED)/team
	$(PY) -m ssi_analysis report --out $(REPORTS)
	@echo "Open $(REPORTS)/index.html"

.PHONY: test
test: env ## Run the whole test suite, then the notebooks as notebooks (nbval)
	MPLBACKEND=Agg $(PY) -m pytest
	$(PY) -m ssi_analysis -q ingest $(SAMPLE)/member --tz $(SAMPLE_TZ) --out $(PROCESSED) --as-of 2026-11-01
	$(PY) -m ssi_analysis -q ingest $(SAMPLE)/team --out $(PROCESSED)/team --as-of 2026-11-01
	MPLBACKEND=Agg $(PY) -m pytest -p no:cacheprovider --nbval-lax notebooks/

.PHONY: bench
bench: env ## Print the speed benchmarks (reports, then 10,000 members x 3 years; ~15 min)
	MPLBACKEND=Agg $(PY) benchmarks/reports.py --batch 200
	MPLBACKEND=Agg $(PY) benchmarks/team_scale.py --members 1000 10000 --baseline-members 100

.PHONY: lint
lint: dev ## Lint the module and tests with ruff
	$(VENV)/bin/ruff check ssi_analysis tests benchmarks

.PHONY: sample
sample: env ## Regenerate the bundled sample in data/raw/sample (deterministic)
	$(PY) -m ssi_analysis sample --out $(SAMPLE)

.PHONY: clean
clean: ## Delete generated files (data/processed, reports); never touches data/raw
	find $(PROCESSED) -mindepth 1 ! -name .gitkeep -delete
	find $(REPORTS) -mindepth 1 ! -name .gitkeep -delete
