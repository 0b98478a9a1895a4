#!/usr/bin/env bash
# Benchmarks on the private PostgreSQL + Redis (started if missing), in a database of their own.
#   ./scripts/bench.sh messaging [--messages 100000]     one benchmark, with its options
set -euo pipefail
cd "$(dirname "$0")/.."
export OMNIHANA_SYSTEM_PACKAGES="postgresql redis-server"
source scripts/bootstrap.sh
# Benchmarks measure the primary alone; a standby would replicate the whole bench bank.
export OMNIHANA_REPLICA=${OMNIHANA_REPLICA:-0}
source scripts/services.sh
PG_PORT=${OMNIHANA_PG_PORT:-55432}
PG_DIR=${OMNIHANA_PG_DIR:-/tmp/omnihana-pg}
export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://omnihana@127.0.0.1:$PG_PORT/omnihana_bench}
psql -q -h 127.0.0.1 -p "$PG_PORT" -U omnihana -d postgres -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SELECT 'CREATE DATABASE omnihana_bench' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'omnihana_bench')\gexec
SQL
.venv/bin/python manage.py migrate --no-input -v 0
name=${1:?usage: scripts/bench.sh NAME [options]}
shift
exec .venv/bin/python -m "bench.$name" "$@"
