# The two things a newcomer does: `make talk` (deck + runner) and `make test` (the
# whole suite, as CI runs it). `make test-fast` is the logic tier alone, in seconds:
# the tests marked `fast` (no server, browser or database), the JavaScript's under
# node --test among them. `make check` is the gate CI runs before the tests: format,
# lint, types, and the import contract (pyproject.toml: the layers flow one way).
# Both install what they need first: Python packages into .venv, reveal.js into node_modules.

# PYTHON makes the venv, VENV is where: python3 into .venv. A CI lane for another Python
# names both on the command line (`make test-fast PYTHON=python3.13 VENV=.venv-3.13`);
# the environment cannot (node-gyp's PYTHON, say, is not ours).
PYTHON := python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: talk test test-fast check deps
# --seed makes the demo rows what the talk expects (idempotent, as `talk db init`). With
# no server it says in one line that the talk runs on SQLite and how to start MySQL.
talk: deps
	$(BIN)/talk serve --seed

# TESTS narrows the run to some paths (CI's second lane); all of them by default.
# WORKERS pytest-xdist processes run the tests side by side, each with a database of
# its own (tests/harness/database.py); WORKERS=0 runs them in this one process. Four
# even on two cores: most of a test's time is waiting (a demo's SLEEP, a server, a browser).
TESTS ?=
WORKERS ?= 4
test: deps
	$(BIN)/python -m pytest -n $(WORKERS) $(TESTS)

test-fast: deps
	$(BIN)/python -m pytest -m fast -q

# mypy types the code for 3.11, the oldest Python the talk supports, then for the
# newest this machine has (.ci/pythons), whose standard library may differ.
NEWEST_PYTHON = $(shell .ci/pythons --newest)
check: deps
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(if $(NEWEST_PYTHON),$(BIN)/mypy --python-version $(NEWEST_PYTHON) --python-executable $(BIN)/python)
	$(BIN)/lint-imports

deps: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench,pdf]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@
