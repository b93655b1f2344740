# Two commands for a newcomer: `make run` and `make test`. Only Python 3.11 and make needed.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

LIGHTHOUSE_VERSION := 12.2.3
LIGHTHOUSE_DIR := .lighthouse

.PHONY: run test test-calendar test-browser lighthouse bench install install-dev setup lint format migrations-check clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## The database with the clinic's content and bookable times (safe to run again).
setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_clinic_content
	$(PY) manage.py generate_slots

## Serve the site at http://127.0.0.1:8000/ on SQLite with its content.
run: setup
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

migrations-check: install-dev
	DJANGO_SETTINGS_MODULE=clinic.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=clinic.settings.test $(PY) manage.py check

## Lint, checks and the whole test suite (SQLite, or PostgreSQL when DATABASE_URL is set).
## The real-browser tests are part of it (Debian's Chromium, installed with apt-get if missing).
test: install-dev lint migrations-check
	$(PY) -m pytest

## The date-sensitive tests (marked `calendar`) with the clock at instants that break date code:
## weekdays and weekends, late evenings, both daylight-saving changes, week 53 and the new year.
## Any other instant: `.venv/bin/python -m pytest --clock=2026-11-29T15:00+01:00`.
## The test database is kept between the instants (--reuse-db; migrate still applies new ones).
CLOCKS := 2026-11-30T08:00 2026-12-04T16:30 2026-12-05T12:00 2026-12-06T23:30 \
	2026-03-28T23:30 2026-03-29T03:30 2026-10-25T02:30+02:00 2026-12-31T23:30 2027-01-04T00:05
test-calendar: install-dev
	@set -e; for clock in $(CLOCKS); do \
		echo "== clock $$clock (Stockholm time)"; \
		$(PY) -m pytest -q -p no:cacheprovider -m "calendar and not browser" --clock=$$clock \
			--reuse-db tests/booking tests/shop; \
	done

## Only the real-browser tests; screenshots and reports land in test-artifacts/.
test-browser: install-dev
	$(PY) -m pytest -m browser

$(LIGHTHOUSE_DIR)/.installed-$(LIGHTHOUSE_VERSION):
	npm install --prefix $(LIGHTHOUSE_DIR) --no-audit --no-fund --save-exact --loglevel=error lighthouse@$(LIGHTHOUSE_VERSION)
	touch $@

## Lighthouse's scores (mobile) for home and the article, served with production settings.
lighthouse: install-dev $(LIGHTHOUSE_DIR)/.installed-$(LIGHTHOUSE_VERSION)
	$(PY) -m tests.browser.lighthouse

## Speed under gunicorn + PostgreSQL (127.0.0.1:5432), against a bare page and a bare Django
## app; see bench/run.py.
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache test-artifacts $(LIGHTHOUSE_DIR)
