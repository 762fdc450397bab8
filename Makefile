# The two commands of the README do everything on a fresh Debian 12 machine:
#   make run   install, migrate, load reference and demo data, serve http://127.0.0.1:8000/
#   make test  install and run every test (SQLite, in-process jobs, headless Chromium)
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SYSTEM_STAMP := var/.system-packages
# Debian packages: Chromium for browser tests, Noto CJK for PDFs, poppler for PDF checks,
# gettext for translations, Pango for WeasyPrint.
DEB_PACKAGES := chromium fonts-noto-cjk poppler-utils gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install system-packages messages translations check bench test-pg clean

$(SYSTEM_STAMP):
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi
	@mkdir -p var && touch $@

system-packages: $(SYSTEM_STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -c "import subprocess, sys, tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
	subprocess.check_call([sys.executable, '-m', 'pip', 'install', '-q', *p['dependencies'], *p['optional-dependencies']['dev']])"
	touch $@

install: $(SYSTEM_STAMP) $(STAMP) messages

messages: $(STAMP)
	$(PY) manage.py compilemessages -v0 --ignore=.venv

run: install
	$(PY) manage.py migrate --no-input -v1
	$(PY) manage.py load_reference
	$(PY) manage.py demo_data --if-empty
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT) --insecure

# Static checks: lint, format, types, and no model change without its migration.
check: $(SYSTEM_STAMP) $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy cqo
	$(PY) manage.py makemigrations --check --dry-run -v0
	@untranslated=$$( (msgattrib --untranslated --no-obsolete locale/en/LC_MESSAGES/django.po; \
	  msgattrib --only-fuzzy --no-obsolete locale/en/LC_MESSAGES/django.po) | grep -c '^msgid'); \
	  test "$$untranslated" = 0 || { echo "locale/en: $$untranslated untranslated or fuzzy strings (make translations)"; exit 1; }

# Extract new strings into the English catalogue; translate the empty msgstr entries it adds.
translations: $(STAMP)
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var --no-location --no-obsolete

test: install check
	$(PY) -m pytest

# The same suite against PostgreSQL (DATABASE_URL must point at a reachable server).
test-pg: install
	@test -n "$$DATABASE_URL" || { echo "DATABASE_URL is not set"; exit 1; }
	$(PY) -c "import os, psycopg, dj_database_url as u; c = u.parse(os.environ['DATABASE_URL']); \
	psycopg.connect(host=c['HOST'], port=c['PORT'] or 5432, user=c['USER'], password=c['PASSWORD'] or None, dbname='postgres', connect_timeout=5).close()" \
	  || { echo "PostgreSQL at $$DATABASE_URL is unreachable"; exit 1; }
	$(PY) -m pytest

# Benchmarks print figures against same-process baselines: everything on SQLite (the coverage
# benchmark then repeats itself on PostgreSQL), then the enterprise-list import on PostgreSQL.
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/cqo_bench
bench: install
	$(PY) bench/run.py
	DATABASE_URL=$(BENCH_PG_URL) $(PY) bench/imports.py

clean:
	rm -rf $(VENV) var/test.sqlite3
