# Konsulta: the two commands are `make run` and `make test` (see README).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 2
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run test lint deps messages migrate seed serve bench worker clean system-deps lock

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(UV): | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

# Installs exactly what requirements.lock says (hashes checked); re-runs when the lock changes.
$(VENV)/.synced: requirements.lock | $(UV)
	$(UV) pip sync --python $(PY) --quiet requirements.lock
	touch $@

deps: $(VENV)/.synced

# OS packages: Chromium for the browser tests, fonts for PDF reports, gettext for catalogues.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	fc-list 2>/dev/null | grep -qi dejavu || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  echo "installing OS packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

messages: deps
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=node_modules -v0

migrate: deps messages
	$(PY) manage.py migrate --noinput -v0

seed: migrate
	$(PY) manage.py seed_demo

# Development server: one ASGI process serving HTTP and WebSocket, DEBUG on.
run: system-deps seed
	DEBUG=1 $(VENV)/bin/uvicorn config.asgi:application --host $(HOST) --port $(PORT) --lifespan on

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

PYTEST_ARGS ?= -n 2

test: system-deps seed lint
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Production-style: several ASGI workers on one port plus the background worker.
# Needs DJANGO_ENV=production, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL (README).
# One shell runs both, and both stop together whichever way serve ends: Ctrl-C, SIGTERM to make
# (make passes it on to this shell) or to gunicorn, or either process exiting on its own. The
# EXIT trap sends SIGTERM to both (gunicorn stops gracefully) and waits for them.
serve: deps messages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	trap 'kill -TERM $$web $$worker 2>/dev/null; wait' EXIT; trap 'exit 130' INT; \
	trap 'exit 143' TERM; \
	$(PY) manage.py run_worker & worker=$$!; \
	$(VENV)/bin/gunicorn config.asgi:application -k uvicorn_worker.UvicornWorker \
	  --workers $(WORKERS) --bind $(HOST):$(PORT) --graceful-timeout 20 --access-logfile - \
	  --no-control-socket & \
	web=$$!; \
	wait -n

worker: deps
	$(PY) manage.py run_worker

bench: deps messages
	$(PY) bench/run.py

# Re-resolve the lock after editing requirements.in (needs the package registry).
lock: | $(UV)
	$(UV) pip compile requirements.in -o requirements.lock --python-version 3.11 --generate-hashes

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles var
