#!/usr/bin/env bash
# Sourced by test.sh (and bench): a private PostgreSQL cluster and Redis on loopback,
# started only when DATABASE_URL / REDIS_URL are not already given. Idempotent: a
# second call finds them running and only exports the URLs.
set -euo pipefail
PG_DIR=${OMNIHANA_PG_DIR:-/tmp/omnihana-pg}
PG_PORT=${OMNIHANA_PG_PORT:-55432}
REPLICA_DIR=${OMNIHANA_PG_REPLICA_DIR:-$PG_DIR-replica}
REPLICA_PORT=${OMNIHANA_PG_REPLICA_PORT:-$((PG_PORT + 1))}
REDIS_DIR=${OMNIHANA_REDIS_DIR:-/tmp/omnihana-redis}
REDIS_PORT=${OMNIHANA_REDIS_PORT:-56379}

pg_as_owner() {
  # initdb refuses to run as root; the postgres system user owns the cluster then.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bindir" ] || { echo "PostgreSQL server binaries not found" >&2; return 1; }
  if [ ! -f "$PG_DIR/PG_VERSION" ]; then
    echo "==> initdb $PG_DIR"
    rm -rf "$REPLICA_DIR"  # a standby of an earlier cluster cannot follow this one
    mkdir -p "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
    chmod 700 "$PG_DIR"
    # C.UTF-8: under the C/POSIX locale PostgreSQL does not treat Hangul as word characters.
    pg_as_owner "$bindir/initdb" -D "$PG_DIR" -E UTF8 --locale=C.UTF-8 -U postgres -A trust >/dev/null
  fi
  if ! pg_as_owner "$bindir/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
    echo "==> starting PostgreSQL on 127.0.0.1:$PG_PORT"
    # A throwaway cluster for tests and benchmarks: durability off for speed.
    pg_as_owner "$bindir/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -o \
      "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c jit=off" \
      start >/dev/null
  fi
  # The application role is a plain database owner, as in production: not a superuser.
  pg_as_owner "$bindir/psql" -q -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
SELECT 'CREATE ROLE omnihana LOGIN CREATEDB' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'omnihana')\gexec
SELECT 'CREATE DATABASE omnihana OWNER omnihana' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'omnihana')\gexec
SQL
  export DATABASE_URL="postgres://omnihana@127.0.0.1:$PG_PORT/omnihana"
}

start_replica() {
  # A streaming hot standby of the private cluster (the read replica the suite tests routing
  # against): a base backup with -R writes standby.signal and the primary's address.
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ ! -f "$REPLICA_DIR/standby.signal" ]; then
    echo "==> pg_basebackup $REPLICA_DIR (standby of 127.0.0.1:$PG_PORT)"
    rm -rf "$REPLICA_DIR"
    mkdir -p "$REPLICA_DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$REPLICA_DIR"
    chmod 700 "$REPLICA_DIR"
    pg_as_owner "$bindir/pg_basebackup" -D "$REPLICA_DIR" -h 127.0.0.1 -p "$PG_PORT" -U postgres \
      -R -X stream -c fast >/dev/null
  fi
  if ! pg_as_owner "$bindir/pg_ctl" -D "$REPLICA_DIR" status >/dev/null 2>&1; then
    echo "==> starting the standby on 127.0.0.1:$REPLICA_PORT"
    pg_as_owner "$bindir/pg_ctl" -D "$REPLICA_DIR" -l "$REPLICA_DIR/server.log" -w -o \
      "-p $REPLICA_PORT -k $REPLICA_DIR -c listen_addresses=127.0.0.1 -c hot_standby=on -c fsync=off -c max_connections=200 -c jit=off" \
      start >/dev/null
  fi
  export DATABASE_REPLICA_URL="postgres://omnihana@127.0.0.1:$REPLICA_PORT/omnihana"
}

start_redis() {
  if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    echo "==> starting Redis on 127.0.0.1:$REDIS_PORT"
    mkdir -p "$REDIS_DIR"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$REDIS_DIR" \
      --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --save "" --appendonly no >/dev/null
    for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
}

if [ -z "${DATABASE_URL:-}" ]; then
  start_postgres
  # The standby follows the cluster started here; OMNIHANA_REPLICA=0 leaves it out.
  [ "${OMNIHANA_REPLICA:-1}" = 0 ] || [ -n "${DATABASE_REPLICA_URL:-}" ] || start_replica
fi
[ -n "${REDIS_URL:-}" ] || start_redis
