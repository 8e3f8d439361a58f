# The two commands a user needs: `make run` and `make test`.
# Both create .venv and install the pinned requirements the first time.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links on receipts, QR codes and the call provider's webhooks point here: the
# address served, unless SITE_URL is set in the environment or in .env.
SITE_URL ?= $(or $(shell sed -n 's/^SITE_URL=//p' .env 2>/dev/null),http://$(HOST):$(PORT))

.PHONY: run test check install install-dev clean vendor-verify bench mutation mutation-catalogue

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python requirements.txt
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# A local settings file for trying the app: debug on and a secret made here.
.env:
	@printf 'DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "Wrote .env (DJANGO_DEBUG=1 and a new secret key) for local use."

run: install .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@mkdir -p var
	@echo "Starting the Celery worker with beat (log: var/celery.log)"
	@SITE_URL=$(SITE_URL) $(VENV)/bin/celery -A fieldservice worker --beat --loglevel=INFO --concurrency=2 \
		--schedule=var/celerybeat-schedule > var/celery.log 2>&1 & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  echo "Phone app (technicians, e.g. zhangwei): http://$(HOST):$(PORT)/app/"; \
	  echo "Open http://$(HOST):$(PORT)/admin/ (API docs: http://$(HOST):$(PORT)/api/docs/; links on receipts: $(SITE_URL))"; \
	  SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev
	$(VENV)/bin/pytest

check: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	DJANGO_SECRET_KEY=check $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SECRET_KEY=check $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	# The README's production variables (tests/fieldservice/test_deploy_check.py
	# reads them from there), with the two HSTS variables decided.
	env -u DJANGO_SETTINGS_MODULE DJANGO_DEBUG=0 \
		DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
		DJANGO_ALLOWED_HOSTS=fs.example.com \
		DATABASE_URL=postgres://fieldservice:...@db:5432/fieldservice \
		REDIS_URL=redis://redis:6379/0 DJANGO_BEHIND_TLS_PROXY=1 TRUSTED_PROXY_COUNT=1 \
		SITE_URL=https://fs.example.com \
		DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS=1 DJANGO_SECURE_HSTS_PRELOAD=1 \
		$(PY) manage.py check --deploy --fail-level WARNING

# The working-day benchmark (bench/day, results in bench/RESULTS.md): N
# technicians replay their day over HTTP against gunicorn, PostgreSQL, Redis, a
# Celery worker and beat (BENCH_NODES=2: two web nodes and two workers, media on
# a local S3 server). Needs PostgreSQL and Redis; it adds its own logins to
# the database it is given and empties nothing.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/fieldservice_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/6
BENCH_TECHNICIANS ?= 5
BENCH_COMPRESSION ?= 120
BENCH_PHOTO ?= 12mp
BENCH_FLOW ?= app
BENCH_SEARCH ?=
BENCH_MAX_SECONDS ?= 900
BENCH_NODES ?= 1
BENCH_MEDIA ?=
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) \
		BENCH_TECHNICIANS=$(BENCH_TECHNICIANS) BENCH_COMPRESSION=$(BENCH_COMPRESSION) \
		BENCH_PHOTO=$(BENCH_PHOTO) BENCH_FLOW=$(BENCH_FLOW) BENCH_SEARCH=$(BENCH_SEARCH) \
		BENCH_MAX_SECONDS=$(BENCH_MAX_SECONDS) BENCH_NODES=$(BENCH_NODES) \
		BENCH_MEDIA=$(BENCH_MEDIA) $(PY) -m bench.day

# Mutation testing of the rules, policies and complaint services
# ([tool.mutmut] in pyproject.toml): each mutant runs only the tests that reached
# its function; results are kept in mutants/ and only changed code runs again.
# `mutmut results` lists the survivors, `mutmut show <name>` shows one.
mutation: install-dev
	$(VENV)/bin/mutmut run --max-children $${MUTATION_JOBS:-2}
	$(VENV)/bin/mutmut export-cicd-stats && cat mutants/mutmut-cicd-stats.json

# The hand-made mutations no operator produces (tools/mutations.toml): every
# select_for_update removed, the chain, the signing link, visibility, complaint
# clocks, reminders, quiet hours. The lock ones need PostgreSQL (DATABASE_URL).
mutation-catalogue: install-dev
	$(PY) tools/mutation_catalogue.py

# Downloads each vendored front-end package from the npm registry and compares
# the vendored files with what it published (fieldservice/vendor.py).
vendor-verify: install
	$(PY) -m fieldservice.vendor verify

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
