#!/usr/bin/env bash
# The whole test suite on PostgreSQL + Redis + Chromium, installing and starting what is missing.
#   ./scripts/test.sh                 everything
#   ./scripts/test.sh tests/customers -k login    any pytest arguments
set -euo pipefail
cd "$(dirname "$0")/.."
export OMNIHANA_SYSTEM_PACKAGES="postgresql redis-server chromium chromium-driver fonts-nanum"
source scripts/bootstrap.sh
source scripts/services.sh
echo "==> pytest on $DATABASE_URL, broker $REDIS_URL"
exec .venv/bin/pytest "$@"
