#!/usr/bin/env bash
# Set up and run every test: lint, unit/property tests, AppTest pages and real-Chromium browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian chromium for the browser tests..."
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is not installed and cannot be installed here: browser tests will be skipped." >&2
  fi
fi
bash scripts/setup.sh dev
.venv/bin/python -m ruff check .
.venv/bin/python -m pytest -n 2 "$@"
