# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run test test-postgres install bootstrap check lint messages mutations

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Also writes .env (DEBUG=1, a generated SECRET_KEY, SITE_URL for PORT) when there is none, so the
# README's `.venv/bin/python manage.py ...` lines work as written. An existing .env is never touched.
install: $(VENV)/.installed
	@$(PYTHON) -m dxtasks.devenv --port $(PORT)

bootstrap: install
	$(PY) manage.py bootstrap --demo

# Web server and django-q worker together on the embedded default (SQLite, ORM broker), supervised by
# honcho (Procfile.dev): Ctrl-C or SIGTERM stops both. Links in emails and feeds use PORT.
# honcho gets `-e /dev/null`: Django reads .env itself, and the environment (SITE_URL here) must win over it.
run: export SITE_URL = http://127.0.0.1:$(PORT)
run: bootstrap
	@echo "dxtasks on http://127.0.0.1:$(PORT)/  (Ctrl-C stops web and worker)"
	$(VENV)/bin/honcho -f Procfile.dev -e /dev/null start -p $(PORT)

# Tests write nothing outside var/ (bytecode included); docs/screenshots only with UPDATE_SCREENSHOTS=1.
test test-postgres: export PYTHONPYCACHEPREFIX = $(CURDIR)/var/pycache
# Hypothesis caches the constants it finds in our code under its storage directory (./.hypothesis by default).
test test-postgres: export HYPOTHESIS_STORAGE_DIRECTORY = $(CURDIR)/var/hypothesis-storage
test: install
	$(PY) -m pytest

# The same suite against PostgreSQL (CI's service: 127.0.0.1:5432, user postgres, trust auth).
test-postgres: install
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/dxtasks $(PY) -m pytest

# Style and types (pyproject.toml): ruff's lint rules and formatter, mypy with django-stubs on the core
# (dxtasks/directives, dxtasks/accounts). `ruff format .` and `ruff check --fix .` repair most of what it finds.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

check: install
	$(PY) manage.py check
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=dxtasks.example.gov.vn SITE_URL=https://dxtasks.example.gov.vn \
	EMAIL_URL=smtp+tls://dxtasks@mail.example.gov.vn:587 \
	$(PY) manage.py check --deploy --fail-level WARNING

# Plant each curated bug of tools/mutations.toml in a temporary copy of the tree and check its tests catch it
# (the table goes to docs/mutations.md); non-zero if one is missed or an original text is gone. ~10 min.
mutations: install
	$(PY) tools/mutations.py --markdown docs/mutations.md

# Refresh the vi/en catalogues after changing user-facing strings, then fill the en msgstrs.
messages: install
	$(PY) manage.py makemessages -l en -l vi --ignore=.venv --ignore=var --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv
