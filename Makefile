# Concordance: `make run` serves the demo site, `make test` runs the suite.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests use several processes when there are cores to spare.
TEST_ARGS ?=

.PHONY: help install run test test-browser lint format migrations-check messages bench clean lock

help:
	@echo "make run              serve the demo site on http://$(HOST):$(PORT)/ (SQLite)"
	@echo "make test             run the whole suite (DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make lint             ruff check and format check"
	@echo "make migrations-check fail when a model change lacks its migration"
	@echo "make bench            the scale data set and the load benchmark"

# The stamp is newer than the lock file once the virtualenv matches it, so a
# second `make install` does nothing.
$(VENV)/.installed: requirements.lock
	@test -x $(PY) || { python=$$(bin/find-python) && echo "Creating $(VENV) with $$python" && $$python -m venv $(VENV); }
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@test -f .env || { cp .env.example .env && echo "Created .env from .env.example (development settings)"; }
	@touch $@

install: $(VENV)/.installed

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV)/.installed
	@$(MANAGE) compilemessages --ignore=.venv -v 0

messages: $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

run: install messages
	DJANGO_DEBUG=true $(MANAGE) migrate --no-input -v 1
	DJANGO_DEBUG=true $(MANAGE) load_registry
	DJANGO_DEBUG=true $(MANAGE) seed_demo
	DJANGO_DEBUG=true $(MANAGE) runserver $(HOST):$(PORT)

test: install messages
	$(VENV)/bin/pytest $(TEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

bench: install messages
	bash bench/run $(SCALE)

# Re-resolve the pinned versions from the ranges in pyproject.toml.
lock:
	rm -rf .lock-venv && $$(bin/find-python) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet ".[dev]"
	.lock-venv/bin/pip freeze --exclude concordance > requirements.lock
	rm -rf .lock-venv build *.egg-info

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
