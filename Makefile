# Salesdesk developer commands. Needs Python 3.11+, Node.js and make; see DEVELOPERS.md.
#
#   make demo      set up everything and run the demo on http://127.0.0.1:8000 (with a worker);
#                  PORT=8080 serves on another port
#   make test      the whole suite on SQLite, then on PostgreSQL when reachable
#   make lint      ruff, the import layers (import-linter) and a check that no migration is missing
#   make messages  extract translatable strings; regenerate Traditional Chinese
#   make bench     organisation benchmarks on SQLite (and PostgreSQL when reachable), then the
#                  customer benchmarks on PostgreSQL (a million customers: about 10 minutes) and the
#                  order-to-cash benchmarks on PostgreSQL (two million orders: about 10 minutes),
#                  every list page at a million rows and the time in Python per page
#
# Steps are only redone when needed: the Python packages when pyproject.toml changed since the
# last install, the npm packages when package-lock.json changed (copies kept as stamps).

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.salesdesk-pyproject.toml
NPM_STAMP := node_modules/.salesdesk-package-lock.json
# Build and maintenance commands run with the development settings (no SECRET_KEY needed).
MANAGE := DEBUG=1 $(PY) manage.py

.PHONY: demo test lint messages bench venv deps python-deps npm-deps assets translations help

help:
	@sed -n '3,11p' Makefile | sed 's/^# *//'

venv: $(PY)

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Salesdesk needs Python 3.11 or newer; \
	this is " + sys.version.split()[0] + ". Set PYTHON=/path/to/python3.11 or newer.")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

python-deps: venv
	@if cmp -s pyproject.toml $(PY_STAMP); then \
		echo "Python packages: up to date"; \
	else \
		$(PY) -m pip install --quiet -e '.[dev,rq]' && cp pyproject.toml $(PY_STAMP); \
	fi

npm-deps:
	@command -v node >/dev/null || { echo "Node.js is needed to install the front-end packages." >&2; exit 1; }
	@if cmp -s package-lock.json $(NPM_STAMP); then \
		echo "npm packages: up to date"; \
	else \
		npm ci --no-audit --no-fund && cp package-lock.json $(NPM_STAMP); \
	fi

deps: python-deps npm-deps

assets: npm-deps
	node scripts/build-assets.mjs

translations: python-deps
	$(MANAGE) compile_translations

demo: export DEBUG = 1
demo: deps assets translations
	$(PY) manage.py migrate
	PORT=$(PORT) $(PY) manage.py demo_setup
	@# The worker runs the background jobs next to the web server and stops when it stops.
	$(PY) manage.py run_worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
		$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: deps assets translations
	$(PY) scripts/run_tests.py

lint: python-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(MANAGE) makemigrations --check --dry-run

messages: python-deps
	$(MANAGE) makemessages -l zh_Hans -l zh_Hant --ignore=.venv --ignore=node_modules --ignore=staticfiles \
		--ignore=test-artifacts --no-obsolete
	$(PY) scripts/translations.py hant
	@$(PY) scripts/translations.py missing || echo "(the strings above still need a translation)"

bench: deps
	$(PY) bench/org_bench.py
	$(PY) bench/customer_bench.py || echo "(the customer benchmark needs PostgreSQL at DATABASE_URL)"
	$(PY) bench/order_bench.py || echo "(the order benchmark needs PostgreSQL at DATABASE_URL)"
	$(PY) bench/import_bench.py || echo "(the import benchmark needs PostgreSQL at DATABASE_URL)"
	$(PY) bench/list_bench.py || echo "(the list benchmark needs PostgreSQL at DATABASE_URL)"
	$(PY) bench/page_bench.py || echo "(the page benchmark needs PostgreSQL at DATABASE_URL)"
