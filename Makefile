# The two commands a new user needs: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
UV ?= uv
PYTEST := $(UV) run --frozen pytest

.PHONY: help setup run test test-unit test-integration test-e2e protos protos-check protos-release \
        trace chart-check chart-render images lint bench chaos chaos-short clean

help:
	@echo "make run         start the whole suite locally (installs what is missing)"
	@echo "make test        run every test: unit, integration (RabbitMQ, PostgreSQL), e2e, contracts, chart"
	@echo "make protos      regenerate the Python code of protos/ ;  make protos-check  verify it and v1 compatibility"
	@echo "make trace       print the newest trace recorded by the local collector"
	@echo "make chart-check render, validate and lint the Helm chart and Dockerfiles"
	@echo "make images      build every image (needs a Docker engine)"
	@echo "make bench       run the benchmarks (never part of make test)"
	@echo "make chaos       the full chaos run: >= 1,000 tickets under >= 20 faults"
	@echo "make chaos-short the short chaos run as a test: every kind of fault once, >= 100 tickets"

setup:
	@bash scripts/setup.sh

run: setup
	$(UV) run --frozen crm-dev run

# Lint first: a second or two, and a finding fails the run before the tests start.
test: setup lint
	$(PYTEST)

test-unit: setup
	$(PYTEST) -m "not integration and not e2e"

test-integration: setup
	$(PYTEST) -m integration

test-e2e: setup
	$(PYTEST) -m e2e

protos:
	$(UV) run --frozen python protos/generate.py

protos-check:
	$(UV) run --frozen python protos/generate.py --check
	$(PYTEST) protos/tests -q

protos-release:
	$(UV) run --frozen python protos/generate.py --release

trace:
	$(UV) run --frozen crm-trace last --db var/traces.sqlite

chart-check:
	$(PYTEST) charts/tests -q

chart-render:
	$(UV) run --frozen python charts/render.py $(or $(VALUES),default)

images:
	@docker info >/dev/null 2>&1 || { echo "make images needs a running Docker engine"; exit 1; }
	@for svc in customer sales ticket marketing notification; do \
	  DOCKER_BUILDKIT=1 docker build -f services/$$svc/Dockerfile -t crm-$$svc-service:dev . || exit 1; done
	DOCKER_BUILDKIT=1 docker build -f gateway/Dockerfile -t crm-gateway:dev .
	DOCKER_BUILDKIT=1 docker build -f console/Dockerfile -t crm-console:dev .

lint:
	$(UV) run --frozen ruff check .

bench:
	@ls bench/*.py >/dev/null 2>&1 && for b in bench/*.py; do $(UV) run --frozen python $$b || exit 1; done

# The whole suite on PostgreSQL and RabbitMQ under load while processes are killed and the
# broker and the database restarted; prints the faults, the requests and lost/duplicated.
chaos: setup
	$(UV) run --frozen python -m chaos $(CHAOS_ARGS)

# Not in make test yet: 2-4 minutes here, and 2 of its last 5 runs failed for reasons not yet
# understood (docs/benchmarks.md, "Chaos"); a red CI must mean a broken change.
chaos-short: setup
	$(PYTEST) chaos/tests

clean:
	rm -rf var .pytest_cache
