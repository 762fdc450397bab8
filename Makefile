# The two commands of the README do everything on a fresh Debian 12 machine:
#   make run   install, migrate, load reference and demo data, serve http://127.0.0.1:8000/
#   make test  install and run every test (SQLite, in-process jobs, headless Chromium)
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SYSTEM_STAMP := var/.system-packages
# Debian packages: Chromium for browser tests, Noto CJK for PDFs (Hanazono and BabelStone Han for
# the rare characters of names that Noto lacks: CJK Extensions A–F), poppler for PDF checks,
# gettext for translations, Pango for WeasyPrint.
DEB_PACKAGES := chromium fonts-noto-cjk fonts-hanazono fonts-babelstone-han poppler-utils gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers: one per CPU by default; TEST_WORKERS=0 runs the suite in one process
TEST_WORKERS ?= auto

.PHONY: run test install system-packages messages translations check bench test-pg clean \
	serve-prod stop-prod prod-system-packages

# (re-checked when this file changes, so a package added to the list is installed on an existing
# machine too)
$(SYSTEM_STAMP): Makefile
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
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run -v0
	@untranslated=$$( (msgattrib --untranslated --no-obsolete locale/en/LC_MESSAGES/django.po; \
	  msgattrib --only-fuzzy --no-obsolete locale/en/LC_MESSAGES/django.po) | grep -c '^msgid'); \
	  test "$$untranslated" = 0 || { echo "locale/en: $$untranslated untranslated or fuzzy strings (make translations)"; exit 1; }

# Extract new strings into the English catalogue; translate the empty msgstr entries it adds.
translations: $(STAMP)
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var --no-location --no-obsolete

test: install check
	$(PY) -m pytest -n $(TEST_WORKERS)

# The same suite against PostgreSQL (DATABASE_URL must point at a reachable server).
test-pg: install prod-system-packages
	@test -n "$$DATABASE_URL" || { echo "DATABASE_URL is not set"; exit 1; }
	$(PY) -c "import os, psycopg, dj_database_url as u; c = u.parse(os.environ['DATABASE_URL']); \
	psycopg.connect(host=c['HOST'], port=c['PORT'] or 5432, user=c['USER'], password=c['PASSWORD'] or None, dbname='postgres', connect_timeout=5).close()" \
	  || { echo "PostgreSQL at $$DATABASE_URL is unreachable"; exit 1; }
	$(PY) -m pytest -n $(TEST_WORKERS)

# Benchmarks print figures against same-process baselines: everything on SQLite (the coverage
# benchmark then repeats itself on PostgreSQL), the two cryptographic suites side by side
# (bench/crypto.py: sign, verify, encrypt and hash rates, the international suite the baseline), the
# printed forms at their maximum input beside the demo filing's (bench/pdf.py, in a process of its
# own), the enterprise-list import on SQLite and on PostgreSQL (each in a process of its own, for
# its peak memory), the migration of a province's archive on SQLite and on PostgreSQL
# (bench/legacy.py), the daily reminder run's notices for a province on SQLite and on PostgreSQL
# (bench/notify.py: 200,000 persons, 20,000 due, against a bare INSERT of the same outbox rows),
# then the load test (gunicorn on PostgreSQL driven by wrk, against a bare view
# on the same server).
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/cqo_bench
BENCH_DEB_PACKAGES := wrk
BENCH_SYSTEM_STAMP := var/.system-packages-bench
$(BENCH_SYSTEM_STAMP): $(SYSTEM_STAMP)
	@missing=$$(for p in $(BENCH_DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi
	@mkdir -p var && touch $@

bench: install $(BENCH_SYSTEM_STAMP)
	$(PY) bench/run.py
	$(PY) bench/crypto.py
	$(PY) bench/pdf.py
	$(PY) bench/imports.py
	DATABASE_URL=$(BENCH_PG_URL) $(PY) bench/imports.py
	$(PY) bench/legacy.py
	DATABASE_URL=$(BENCH_PG_URL) $(PY) bench/legacy.py
	$(PY) bench/notify.py
	DATABASE_URL=$(BENCH_PG_URL) $(PY) bench/notify.py
	DATABASE_URL=$(BENCH_PG_URL) $(PY) bench/load.py

clean:
	rm -rf $(VENV) var/test.sqlite3

# Production (README "Production"): PostgreSQL (DATABASE_URL), Redis (REDIS_URL), Celery worker
# and beat in the background, gunicorn serving HTTPS in the foreground (config/gunicorn.conf.py;
# CQO_BIND, default 127.0.0.1:8443). Settings from the environment: see .env.example.
PROD_DEB_PACKAGES := postgresql-client
PROD_SYSTEM_STAMP := var/.system-packages-prod
PROD_DATA := $(or $(CQO_DATA_DIR),var)
PROD_RUN := $(PROD_DATA)/run
PROD_LOG := $(PROD_DATA)/log
CELERY := $(VENV)/bin/celery -A config

# pg_dump / pg_restore for manage.py backup and restore
$(PROD_SYSTEM_STAMP): $(SYSTEM_STAMP)
	@missing=$$(for p in $(PROD_DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi
	@mkdir -p var && touch $@

prod-system-packages: $(PROD_SYSTEM_STAMP)

serve-prod: export CQO_ENV = production
serve-prod: install $(PROD_SYSTEM_STAMP)
	@$(PY) manage.py preflight
	$(PY) manage.py migrate --no-input -v1
	$(PY) manage.py load_reference
	$(PY) manage.py collectstatic --no-input -v0
	$(PY) manage.py check --deploy --fail-level WARNING
	@mkdir -p $(PROD_RUN) $(PROD_LOG)
	@# worker and beat in their own session: stopping gunicorn (Ctrl-C) leaves them running,
	@# `make stop-prod` stops them by their pid files
	@for name in celery-worker celery-beat; do \
	  pid=$$(cat $(PROD_RUN)/$$name.pid 2>/dev/null); \
	  if [ -n "$$pid" ] && kill -0 $$pid 2>/dev/null; then \
	    echo "$$name is already running (pid $$pid); make stop-prod stops it"; exit 1; fi; \
	done
	setsid $(CELERY) worker --loglevel=INFO --hostname=cqo@%h \
	  >>$(PROD_LOG)/celery-worker.log 2>&1 </dev/null & echo $$! >$(PROD_RUN)/celery-worker.pid
	setsid $(CELERY) beat --loglevel=INFO --schedule=$(PROD_RUN)/celerybeat-schedule \
	  >>$(PROD_LOG)/celery-beat.log 2>&1 </dev/null & echo $$! >$(PROD_RUN)/celery-beat.pid
	@echo "Celery worker (pid $$(cat $(PROD_RUN)/celery-worker.pid)) and beat (pid $$(cat $(PROD_RUN)/celery-beat.pid)), logs in $(PROD_LOG)/"
	@echo "Serving https://$${CQO_BIND:-127.0.0.1:8443}/  (Ctrl-C stops gunicorn; make stop-prod stops Celery)"
	exec $(VENV)/bin/gunicorn -c config/gunicorn.conf.py

# Stops the Celery worker and beat that serve-prod started, by their pid files only.
stop-prod:
	@for name in celery-worker celery-beat; do \
	  file=$(PROD_RUN)/$$name.pid; pid=$$(cat $$file 2>/dev/null); \
	  if [ -z "$$pid" ]; then echo "$$name: no pid file"; continue; fi; \
	  if kill -0 $$pid 2>/dev/null && tr '\0' ' ' </proc/$$pid/cmdline | grep -q celery; then \
	    kill -TERM $$pid; \
	    for i in $$(seq 60); do kill -0 $$pid 2>/dev/null || break; sleep 0.5; done; \
	    if kill -0 $$pid 2>/dev/null; then echo "$$name (pid $$pid) did not stop in 30 s"; exit 1; fi; \
	    echo "$$name (pid $$pid) stopped"; \
	  else echo "$$name (pid $$pid) was not running"; fi; \
	  rm -f $$file; \
	done
