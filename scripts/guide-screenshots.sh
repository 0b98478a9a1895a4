#!/usr/bin/env bash
# Refreshes the user guide's pictures (docs/guide/img/) from the scenario test in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
OMNIHANA_SCREENSHOTS="$PWD/docs/guide/img" ./scripts/test.sh tests/e2e/test_scenario.py "$@"
