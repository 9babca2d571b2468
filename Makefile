# Two commands from a fresh clone: `make lab` and `make test` (see README.md).
# Both create .venv, install the pinned set in requirements.lock and the project,
# and do nothing again while requirements.lock and pyproject.toml are unchanged.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.dgt-installed
PYTEST_ARGS ?=

.PHONY: lab test quick lint format book pdf apps frontend bundle data browser classroom clean help

help:
	@echo "make lab    set up .venv and start JupyterLab on the curriculum"
	@echo "make test   set up .venv and run every test (lint, unit, notebooks, nbgrader, book, apps, browser)"
	@echo "make quick  the fast tests only (no notebooks, servers or browser)"
	@echo "make book   build the offline HTML book under book/_build/html"
	@echo "make apps   serve the apps on http://127.0.0.1:8866"
	@echo "make frontend  rebuild the apps' page script (needs Node.js and the npm registry; not needed to run or test)"

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
	  { echo "make: Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the pinned packages into $(VENV) (first time only) ..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@$(BIN)/jupyter labextension enable --level=sys_prefix @jupyter/nbgrader >/dev/null
	@touch $(STAMP)

lab: $(STAMP)
	@$(BIN)/dgt lab

# Debian's chromium drives the browser tests; install it when we may, else say how.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium and fonts for the browser tests ..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core poppler-utils) >/dev/null || exit 1; \
	  else \
	    echo "make: the browser tests need Debian's chromium: run 'sudo apt-get install chromium fonts-noto-core poppler-utils' and try again"; exit 1; \
	  fi; }

# `dgt classroom` runs JupyterHub behind Debian's configurable-http-proxy (see docs/classroom.md).
classroom:
	@command -v configurable-http-proxy >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's node-configurable-http-proxy for the classroom tests ..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq node-configurable-http-proxy) >/dev/null || exit 1; \
	  else \
	    echo "make: the classroom needs Debian's proxy: run 'sudo apt-get install node-configurable-http-proxy' (the classroom tests are skipped without it)"; \
	  fi; }

lint: $(STAMP)
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

format: $(STAMP)
	@$(BIN)/ruff format .
	@$(BIN)/ruff check --fix .

test: $(STAMP) browser classroom lint
	@$(BIN)/python -m pytest $(PYTEST_ARGS)

quick: $(STAMP) lint
	@$(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

book: $(STAMP)
	@$(BIN)/dgt book build

pdf: $(STAMP) browser
	@$(BIN)/dgt book pdf

apps: $(STAMP)
	@$(BIN)/dgt apps

# The apps' page script is committed built; rebuild it after changing course/serve/voila/frontend.
frontend:
	@command -v npm >/dev/null 2>&1 || { echo "make: rebuilding the apps' page script needs Node.js and npm"; exit 1; }
	@cd course/serve/voila/frontend && npm ci --no-audit --no-fund && npm run build

bundle: $(STAMP) browser
	@$(BIN)/dgt bundle

data: $(STAMP)
	@$(BIN)/dgt data generate

clean:
	rm -rf book/_build book/_stage .pytest_cache .ruff_cache
