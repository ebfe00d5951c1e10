# kiemsat – two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.12 || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export DJANGO_SETTINGS_MODULE := kiemsat.settings

.PHONY: run test test-postgres fuzz lint types bench load install install-dev system-deps clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian packages: chromium for browser tests, fonts with Vietnamese glyphs for PDFs,
# PostgreSQL for the second database run, sqlite3 for the import benchmark.
SYSTEM_PACKAGES := chromium fonts-liberation2 fonts-dejavu-core postgresql sqlite3 poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libcairo2
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Cài gói hệ thống:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

run: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: $(VENV)/.installed-dev
	DEBUG=1 $(VENV)/bin/mypy kiemsat

test: system-deps $(VENV)/.installed-dev lint types
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=1 $(PY) manage.py check
	SECRET_KEY=check-deploy-$$RANDOM$$RANDOM-0123456789-abcdefghijklmnopqrstuvwxyz ALLOWED_HOSTS=kiemsat.example \
	  $(PY) manage.py check --deploy --fail-level WARNING
	DEBUG=1 $(VENV)/bin/pytest -n 2 -q

test-postgres: system-deps $(VENV)/.installed-dev
	bash .ci/postgres-test

# The API against its OpenAPI contract with generated requests (schemathesis), as a leader
# and as an outsider; `make test` runs a dozen cases per operation, this some thousands.
FUZZ_EXAMPLES ?= 400
fuzz: $(VENV)/.installed-dev
	KIEMSAT_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) DEBUG=1 $(VENV)/bin/pytest -q -s -p no:xdist -m fuzz

bench: system-deps $(VENV)/.installed-dev
	DEBUG=1 $(PY) -m bench

# Signed-in users of several units against gunicorn on the national bench data (built as for
# `make bench`, reused when unchanged): requests, errors and p50/p95/p99 latency per page.
LOAD_SECONDS ?= 120
LOAD_USERS ?= 32
load: system-deps $(VENV)/.installed-dev
	LOAD_SECONDS=$(LOAD_SECONDS) LOAD_USERS=$(LOAD_USERS) DEBUG=1 $(PY) -m bench --reuse load

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles artifacts
