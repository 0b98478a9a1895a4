# Shortcuts; the scripts are the real commands and need nothing but bash.
.PHONY: run test lint check bench guide-screenshots
run:
	./scripts/run.sh
test:
	./scripts/test.sh
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/python manage.py makemigrations --check --dry-run
check:
	.venv/bin/mypy .
# Builds the 1,000,000-consultation bank if missing, runs every benchmark, prints one table.
# SCALE=10m: the bank-size benchmarks at 10,000,000 consultations beside 1,000,000 (docs/performance.md).
SCALE ?= 1m
bench:
	./scripts/bench.sh all --scale $(SCALE)
# Refreshes docs/guide/img/ from the scenario test in Chromium.
guide-screenshots:
	./scripts/guide-screenshots.sh
