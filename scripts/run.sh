#!/usr/bin/env bash
# Runs omnihana locally with nothing else installed: SQLite, a Celery broker on the file system,
# SMS printed to the console, the demo bank loaded. Web server, worker and beat; Ctrl-C stops all.
#   PORT=8000 HOST=127.0.0.1 ./scripts/run.sh
# Any of DATABASE_URL, REDIS_URL, SMS_BACKEND, KAKAO_MAP_JS_KEY set in the environment is honoured.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
export SMS_BACKEND=${SMS_BACKEND:-console}
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

echo "==> migrate"
$PY manage.py migrate --no-input -v 0
echo "==> demo data (idempotent)"
$PY manage.py seed_demo --no-progress

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo; echo "==> stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

# Two light workers: bulk (marketing) on its own and at a lower CPU priority, so a campaign never
# holds up an OTP.
.venv/bin/celery -A omnihana worker --pool=solo --loglevel=INFO --hostname="worker@%h" \
  -Q celery,sms-transactional,sms-notice &
pids+=($!)
nice -n 10 .venv/bin/celery -A omnihana worker --pool=solo --loglevel=INFO --hostname="bulk@%h" -Q sms-bulk &
pids+=($!)
.venv/bin/celery -A omnihana beat --loglevel=INFO &
pids+=($!)
echo "==> http://$HOST:$PORT/  (demo password: see the login page)"
$PY manage.py runserver "$HOST:$PORT" &
pids+=($!)
wait -n "${pids[@]}"
