# Concordance: `make run` serves the demo site, `make test` runs the suite.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist spreads the suite over the machine's cores; WORKERS=0 runs it
# in one process.
WORKERS ?= auto
TEST_ARGS ?=

.PHONY: help install chromium run test test-browser lint format migrations-check messages demo-check sources-check bench clean lock

help:
	@echo "make run              serve the demo site on http://$(HOST):$(PORT)/ (SQLite)"
	@echo "make test             run the whole suite (DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make test-browser     only the browser tests (Playwright, Chromium, axe-core)"
	@echo "make lint             ruff check, format check and the import contracts"
	@echo "make migrations-check fail when a model change lacks its migration"
	@echo "make bench            the scale data set and the load benchmark (SCALE=small|full|tenfold)"
	@echo "make demo-check       seed a fresh demo database and run check_claims on it"
	@echo "make sources-check    load the bundled registry afresh and run check_sources on it"

# The stamp is newer than the lock file once the virtualenv matches it, so a
# second `make install` does nothing.
$(VENV)/.installed: requirements.lock
	@test -x $(PY) || { python=$$(bin/find-python) && echo "Creating $(VENV) with $$python" && $$python -m venv $(VENV); }
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@test -f .env || { cp .env.example .env && echo "Created .env from .env.example (development settings)"; }
	@touch $@

install: $(VENV)/.installed

# The compiled catalogs (.mo) are not in git: they are built from the .po files
# with GNU gettext's msgfmt, which is installed when missing (as root on Debian).
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV)/.installed
	@bin/ensure-debian-package msgfmt gettext "Compiling the interface translations"
	@$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

messages: $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

run: install messages
	DJANGO_DEBUG=true $(MANAGE) migrate --no-input -v 1
	DJANGO_DEBUG=true $(MANAGE) load_registry
	DJANGO_DEBUG=true $(MANAGE) seed_demo
	DJANGO_DEBUG=true $(MANAGE) runserver $(HOST):$(PORT)

# axe-core, which the browser tests run on every public page, comes from npm.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# The browser tests drive Debian's Chromium, installed when missing (as root on Debian).
CHROMIUM_PATH ?= /usr/bin/chromium
chromium:
	@bin/ensure-debian-package $(CHROMIUM_PATH) chromium "The browser tests (Playwright)"

test: install messages node_modules/axe-core/axe.min.js chromium
	$(VENV)/bin/pytest -n $(WORKERS) $(TEST_ARGS)

test-browser: install messages node_modules/axe-core/axe.min.js chromium
	$(VENV)/bin/pytest tests/browser $(TEST_ARGS)

# Ruff, then the import contracts in pyproject.toml: layers run one way, no cycles.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

# The demo content must pass the newsroom's own claim checks.
demo-check: install messages
	rm -f var/demo-check.sqlite3 && mkdir -p var
	DJANGO_DEBUG=true DATABASE_URL=sqlite:///var/demo-check.sqlite3 $(MANAGE) migrate --no-input -v 0
	DJANGO_DEBUG=true DATABASE_URL=sqlite:///var/demo-check.sqlite3 $(MANAGE) load_registry -v 0
	DJANGO_DEBUG=true DATABASE_URL=sqlite:///var/demo-check.sqlite3 $(MANAGE) seed_demo > /dev/null
	DJANGO_DEBUG=true DATABASE_URL=sqlite:///var/demo-check.sqlite3 $(MANAGE) check_claims

# Every bundled event cites a document, and no source is a bare site address.
sources-check: install
	rm -f var/sources-check.sqlite3 && mkdir -p var
	DJANGO_DEBUG=true DATABASE_URL=sqlite:///var/sources-check.sqlite3 $(MANAGE) migrate --no-input -v 0
	DJANGO_DEBUG=true DATABASE_URL=sqlite:///var/sources-check.sqlite3 $(MANAGE) load_registry -v 0
	DJANGO_DEBUG=true DATABASE_URL=sqlite:///var/sources-check.sqlite3 $(MANAGE) check_sources

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
