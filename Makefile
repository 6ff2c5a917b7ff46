# The few verbs people expect. Everything installs what it uses into .venv (see README).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | md5sum | cut -c1-12)
PORT ?= 8000

.PHONY: install system services migrate demo run worker beat lint format test bench clean sdks schema

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

# System programs: nginx fronts the web servers (`make run`, its tests), wrk drives `make bench`.
# Missing ones are installed with apt-get (as root, as CI runs, or through sudo); elsewhere say how.
# An entry `check:package` installs Debian's `package` when the program or file `check` is absent.
SYSTEM_PROGRAMS := nginx wrk
# The portal's browser tests drive Debian's chromium (Playwright never downloads a browser).
SYSTEM_PROGRAMS += /usr/bin/chromium:chromium
# SDKs (sdks/, `make sdks`, sdks/tests): Java runs openapi-generator; the SDKs' toolchains.
SYSTEM_PROGRAMS += java:default-jre-headless go:golang-go ruby php:php-cli \
  /usr/share/php/GuzzleHttp/Client.php:php-guzzlehttp-guzzle \
  /usr/share/gocode/src/gopkg.in/validator.v2:golang-gopkg-validator.v2-dev \
  javac:default-jdk-headless /usr/share/java/jackson-databind.jar:libjackson2-databind-java
system:
	@missing=""; for entry in $(SYSTEM_PROGRAMS); do program=$${entry%%:*}; package=$${entry#*:}; \
	  command -v $$program >/dev/null || test -x /usr/sbin/$$program || test -e $$program || \
	  missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then \
	  if ! command -v apt-get >/dev/null; then \
	    echo "Please install:$$missing (e.g. brew install$$missing)"; exit 1; fi; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	  echo "Installing$$missing with apt-get"; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

services: install
	$(PY) scripts/services.py

migrate: services
	$(PY) manage.py migrate_schemas --noinput

demo: migrate
	$(PY) manage.py ensure_demo --port $(PORT)

# One port: nginx on PORT, granian (HTTP, WSGI) and uvicorn (WebSockets, ASGI) behind it.
# Running needs nginx only (the browser and the SDK toolchains are for tests, SDKs and benches).
run: SYSTEM_PROGRAMS := nginx
run: system demo
	PORT=$(PORT) $(PY) scripts/run.py

worker: install
	$(VENV)/bin/celery -A openchance worker -Q default,webhooks,billing --loglevel INFO

beat: install
	$(VENV)/bin/celery -A openchance beat --loglevel INFO --schedule .local/celerybeat-schedule

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# CI (CI=true) builds the test database from scratch; locally it is reused between runs.
test: system services lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(if $(CI),--create-db,--reuse-db) $(PYTEST_ARGS)

# Regenerate every SDK's generated core from the exported OpenAPI document (scripts/sdks.py);
# no server needed. `scripts/sdks.py --check` compares instead of writing (sdks/tests do it too).
sdks: install system
	$(PY) scripts/sdks.py

# The GraphQL SDL (api.graphql.export): writes schema.graphql; a test fails while it is stale or
# its SHA-256 is missing from API-CHANGELOG.md (the command prints the line to add).
schema: install
	$(PY) -m api.graphql.export

# Every bench/*.py script (each provisions what it measures and removes it afterwards).
bench: system migrate
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .local .pytest_cache .ruff_cache
