#!/usr/bin/env bash
# Set up and run every test: lint, unit/property tests, AppTest pages and real-Chromium browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
# Real clients for the tests: Debian's chromium (browser tests) and LibreOffice Calc (opens the Excel report).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} for the real-client tests..."
    # Never fatal: without them the browser and LibreOffice tests skip with a reason, the rest still run.
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; } \
      || echo "Could not install ${missing[*]}: the tests that need them will be skipped." >&2
  else
    echo "Cannot install ${missing[*]} here: the tests that need them will be skipped." >&2
  fi
fi
bash scripts/setup.sh dev
.venv/bin/python -m ruff check .
.venv/bin/python -m pytest -n 2 "$@"
