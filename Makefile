# The two things a newcomer does: `make talk` (deck + runner) and `make test` (the
# whole suite, as CI runs it). `make test-fast` is the logic tier alone, in seconds:
# the tests marked `fast` (no server, browser or database), the JavaScript's under
# node --test among them. `make check` is the gate CI runs before the tests.
# Both install what they need first: Python packages into .venv, reveal.js into node_modules.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: talk test test-fast check deps
# Seeding first is idempotent and leaves the demo rows as the talk expects them. With no
# database it prints one line with the remedy, and the deck is served all the same.
talk: deps
	-$(BIN)/talk db init
	$(BIN)/talk serve

test: deps
	$(BIN)/python -m pytest

test-fast: deps
	$(BIN)/python -m pytest -m fast -q

check: deps
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

deps: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench,pdf]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@
