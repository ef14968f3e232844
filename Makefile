# Mubiao's entry points. `make run` serves the demo on a bare machine (Python 3.11, no database
# or Redis server); `make test` runs the suite against whatever DATABASE_URL / REDIS_URL the
# environment names (SQLite and eager Celery when unset); `make lint` is what CI checks.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# Re-installing takes a while even when nothing changed, so the install is redone only when
# pyproject.toml is newer than this stamp.
STAMP := $(VENV)/.installed-from-pyproject
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# The browser journey drives Debian's Chromium; CJK fonts make the Chinese pages render.
# WeasyPrint (the PDF documents) needs Pango and HarfBuzz's subsetter, and embeds the CJK font;
# the PDF tests render pages to PNG with poppler's pdftoppm.
BROWSER_BIN := /usr/bin/chromium
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils
# python-ldap (under django-auth-ldap, the LDAP sign-in) has no wheel: pip compiles it against
# OpenLDAP's and SASL's headers, so those are installed before the first pip install (below).
# The LDAP sign-in test runs a real OpenLDAP server (slapd) and loads it with ldap-utils.
LDAP_BUILD_PACKAGES := libldap2-dev libsasl2-dev
LDAP_TEST_PACKAGES := slapd ldap-utils
SYSTEM_PACKAGES := chromium fonts-noto-cjk $(PDF_PACKAGES) $(LDAP_BUILD_PACKAGES) $(LDAP_TEST_PACKAGES)
APT_INSTALL := apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(SYSTEM_PACKAGES)
APT_INSTALL_LDAP_BUILD := apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(LDAP_BUILD_PACKAGES)

.PHONY: help install run test lint messages compilemessages system-packages clean distclean \
	worker beat dev

help:
	@echo "make run       install, migrate SQLite, load the demo city, serve http://$(HOST):$(PORT)"
	@echo "make test      install (plus Chromium, CJK fonts, Pango, pdftoppm) and run pytest"
	@echo "make lint      ruff check, ruff format --check, makemigrations --check"
	@echo "make worker    a Celery worker (needs REDIS_URL; default redis://127.0.0.1:6379/0 here)"
	@echo "make beat      Celery beat with the database scheduler (schedules in /admin/)"
	@echo "make dev       web, worker and beat together against local Redis (Ctrl-C stops all)"
	@echo "make messages  refresh locale/en/LC_MESSAGES/django.po and compile it"
	@echo "make clean     remove caches and collected static files (distclean: also .venv)"

$(PY):
	@if command -v python3.11 >/dev/null 2>&1; then python3.11 -m venv $(VENV); \
	else echo "python3.11 not found; trying python3 ($$(python3 --version))"; python3 -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	@missing=""; \
	if command -v dpkg-query >/dev/null 2>&1; then \
		for package in $(LDAP_BUILD_PACKAGES); do \
			dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" \
				|| missing="$$missing $$package"; \
		done; \
	fi; \
	if [ -n "$$missing" ]; then \
		echo "python-ldap is compiled against:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then \
			bash -c '$(APT_INSTALL_LDAP_BUILD)'; \
		elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
			sudo bash -c '$(APT_INSTALL_LDAP_BUILD)'; \
		else \
			echo "Cannot install them (not root, no password-less sudo). Run as root:"; \
			echo "    $(APT_INSTALL_LDAP_BUILD)"; \
		fi; \
	fi
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(STAMP)

# Compiled catalogues are built from the .po sources when gettext's msgfmt is present; without
# it the committed .mo files are used as they are.
compilemessages: $(STAMP)
	@if ! ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
		echo "No locale/*/LC_MESSAGES/*.po: nothing to compile."; \
	elif command -v msgfmt >/dev/null 2>&1; then \
		$(MANAGE) compilemessages --ignore='$(VENV)/*' --ignore='staticfiles/*'; \
	else \
		echo "msgfmt not found (Debian: gettext); using the committed .mo files."; \
	fi

run: compilemessages
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) seed_public_demo
	@echo "Serving http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(MANAGE) runserver $(HOST):$(PORT)

# Background processes against a local Redis (make worker / beat / dev). Without REDIS_URL in
# the environment the local server's database 0 is used.
DEV_REDIS_URL := $(or $(REDIS_URL),redis://127.0.0.1:6379/0)
CELERY := REDIS_URL=$(DEV_REDIS_URL) $(VENV)/bin/celery -A config

worker: $(STAMP)
	$(CELERY) worker --loglevel=INFO

beat: $(STAMP)
	$(MANAGE) migrate --noinput
	$(CELERY) beat --loglevel=INFO --scheduler django_celery_beat.schedulers:DatabaseScheduler

# One terminal, three processes; Ctrl-C (or any one of them exiting) stops the others.
dev: compilemessages
	REDIS_URL=$(DEV_REDIS_URL) $(MANAGE) migrate --noinput
	REDIS_URL=$(DEV_REDIS_URL) $(MANAGE) seed_demo && REDIS_URL=$(DEV_REDIS_URL) $(MANAGE) seed_public_demo
	@echo "Serving http://$(HOST):$(PORT)/ with a Celery worker and beat on $(DEV_REDIS_URL) (Ctrl-C to stop)"
	@trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
	$(CELERY) worker --loglevel=INFO & \
	$(CELERY) beat --loglevel=INFO --scheduler django_celery_beat.schedulers:DatabaseScheduler & \
	REDIS_URL=$(DEV_REDIS_URL) $(MANAGE) runserver $(HOST):$(PORT) & \
	wait -n

# Installs what the browser and PDF tests need if it is missing; leaves browser=ok, or browser=missing
# after printing the command to run (the caller then skips only the browser tests, loudly).
define ENSURE_SYSTEM_PACKAGES
missing=""; browser=ok; \
[ -x $(BROWSER_BIN) ] || missing="$$missing chromium"; \
if command -v dpkg-query >/dev/null 2>&1; then \
	for package in fonts-noto-cjk $(PDF_PACKAGES) $(LDAP_TEST_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" \
			|| missing="$$missing $$package"; \
	done; \
fi; \
if [ -n "$$missing" ]; then \
	echo "Missing system packages for the browser and PDF tests:$$missing"; \
	if [ "$$(id -u)" = 0 ]; then \
		bash -c '$(APT_INSTALL)'; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		sudo bash -c '$(APT_INSTALL)'; \
	else \
		echo "Cannot install them (not root, no password-less sudo). Run as root:"; \
		echo "    $(APT_INSTALL)"; \
		browser=missing; \
	fi; \
fi
endef

system-packages:
	@$(ENSURE_SYSTEM_PACKAGES); [ "$$browser" = ok ]

test: $(STAMP) compilemessages
	@$(ENSURE_SYSTEM_PACKAGES); \
	if [ "$$browser" = ok ]; then \
		echo "$(PY) -m pytest $(PYTEST_ARGS)"; \
		$(PY) -m pytest $(PYTEST_ARGS); \
	else \
		echo "!!! SKIPPING the browser tests (pytest -m 'not browser'): Chromium or the CJK fonts are missing, see above."; \
		$(PY) -m pytest -m 'not browser' $(PYTEST_ARGS); \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# The check compares models with migration files; no database server is needed for it.
	DATABASE_URL=sqlite://:memory: $(MANAGE) makemigrations --check --dry-run

messages: $(STAMP)
	$(MANAGE) makemessages -l en --ignore='$(VENV)/*' --ignore='staticfiles/*'
	$(MANAGE) compilemessages --ignore='$(VENV)/*' --ignore='staticfiles/*'

clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache staticfiles test-results build *.egg-info

distclean: clean
	rm -rf $(VENV)
