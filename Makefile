# c360 — two commands: `make run` (demo end to end) and `make test` (whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
RUNSTAMP := $(VENV)/.installed-run
DEMO   ?= demo
# Bytecode is cached under .venv, not beside the sources: without a cache every `c360`
# subprocess the tests start compiled the project again, and every pytest process redid
# its assertion rewriting.
export PYTHONDONTWRITEBYTECODE :=
export PYTHONPYCACHEPREFIX := $(CURDIR)/$(VENV)/pycache

.PHONY: run test check bench install demo clean browser screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# `make run` needs only the runtime; `make test` adds the dev tools (pytest, ruff, mypy,
# playwright, splink for the benchmark).
$(RUNSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $(RUNSTAMP)

install: $(STAMP)

# Debian's chromium drives the dashboard's browser test; installed only when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "could not install chromium"; [ "$${CI:-}" != "true" ] || exit 1; \
	       echo "warning: the browser test will be skipped"; }; }

demo: $(RUNSTAMP)
	$(BIN)/c360 demo --out $(DEMO)

run: $(RUNSTAMP)
	$(BIN)/c360 demo --out $(DEMO)
	$(BIN)/python -m c360.run_demo --config $(DEMO)/c360.toml

test: install browser
	# Two processes, a test file per process at a time (module fixtures are built once).
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

# pip-audit needs the network: offline it is skipped with one line (tools/audit.py).
check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy kernel c360 api ingest warehouse dashboard demo_company tools bench tests
	$(BIN)/python tools/audit.py

bench: install
	$(BIN)/python -m bench

# docs/screenshots/<role>-<page>.png: every page of each demo role, in Debian's chromium.
screenshots: install browser
	$(BIN)/python -m bench.screenshots

clean:
	rm -rf $(DEMO) data .pytest_cache
