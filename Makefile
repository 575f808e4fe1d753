# MapLeadExtractor entry points. On a fresh clone: `make demo`, then `make test`.
PY := .venv/bin/python
UV := .venv/bin/uv
UV_VERSION := 0.13.8
DEMO_PBF := data/demo/helsinki.osm.pbf
PYTEST_ARGS ?=
DEMO_PORT ?= 8000
DEMO_EMAIL := demo@mapleads.example
DEMO_PASSWORD := demo-leads-2025
DEMO_WEB_ENV := MAPLEADS_DATA_DIR=$(CURDIR)/out/web MAPLEADS_WEB_PBF_PATH=$(CURDIR)/$(DEMO_PBF)

.PHONY: install web-assets system-deps demo test test-web-postgres bench lint format clean

.venv/bin/uv:
	python3 -m venv .venv
	.venv/bin/pip install --quiet uv==$(UV_VERSION)

## install: create .venv and install the locked dependencies (uv.lock), compiled to bytecode ahead of time
# (with PYTHONDONTWRITEBYTECODE set, as on CI machines, every command would otherwise compile its imports anew:
# 0.7 s per `mapleads` run here)
install: .venv/bin/uv web-assets
	$(UV) sync --frozen --inexact --quiet --compile-bytecode
	$(PY) -m compileall -q src > /dev/null

WEB_VENDOR := src/mapleads/web/front/static/vendor
## web-assets: Leaflet and htmx from the npm registry (package-lock.json), copied into the web app's static files
web-assets: $(WEB_VENDOR)/.installed

$(WEB_VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(WEB_VENDOR) && mkdir -p $(WEB_VENDOR)/htmx
	cp -r node_modules/leaflet/dist $(WEB_VENDOR)/leaflet
	cp node_modules/htmx.org/dist/htmx.min.js $(WEB_VENDOR)/htmx/
	touch $@

## system-deps: Debian tools the tests and benchmarks compare against or drive (osmium-tool, chromium, wrk)
system-deps:
	@bash scripts/system-deps.sh

## demo: install, extract every business in the bundled Helsinki data, then run the web service with a demo account
demo: install
	@mkdir -p out
	$(PY) -m mapleads extract all --from $(DEMO_PBF) -o out/helsinki-leads.xlsx
	$(PY) -m mapleads extract "dentist, hairdresser" --in Kluuvi --from $(DEMO_PBF) -o out/kluuvi-dentists-hairdressers.csv
	@echo "--- web service: a demo account and a finished demo job on the Helsinki data ---"
	$(DEMO_WEB_ENV) $(PY) -m mapleads.web migrate --no-input -v 0
	$(DEMO_WEB_ENV) $(PY) -m mapleads.web demo_data --email $(DEMO_EMAIL) --password $(DEMO_PASSWORD)
	@echo ""
	@echo "  Open http://127.0.0.1:$(DEMO_PORT)/ and log in as $(DEMO_EMAIL) / $(DEMO_PASSWORD)"
	@echo "  (the web service runs until Ctrl+C)"
	@echo ""
	$(DEMO_WEB_ENV) $(PY) -m mapleads serve --host 127.0.0.1 --port $(DEMO_PORT)

## test: install, then run the whole suite
test: install system-deps
	$(PY) -m pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-web-postgres

## test-web-postgres: the web service's database tests again, on PostgreSQL (127.0.0.1:5432, started by .ci/run)
test-web-postgres: install
	MAPLEADS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(PY) -m pytest tests/web \
		-m "not browser" -k "not deploy" -p no:cacheprovider $(PYTEST_ARGS)

## bench: benchmarks against the anchor tools, printed and recorded in docs/benchmarks.md
bench: install system-deps
	$(PY) bench/run.py

## lint: ruff (lint + format check) and mypy
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf .venv out .pytest_cache .mypy_cache .ruff_cache bench/.work
