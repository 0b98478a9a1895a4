# Shortcuts; the scripts are the real commands and need nothing but bash.
.PHONY: run test lint check bench
run:
	./scripts/run.sh
test:
	./scripts/test.sh
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/python manage.py makemigrations --check --dry-run
check:
	.venv/bin/mypy .
