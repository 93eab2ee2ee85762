#!/usr/bin/env bash
# Set up and run every test: lint, unit/property tests, AppTest pages and real-Chromium browser tests (CI).
# Usage: scripts/test.sh [--fast] [pytest arguments]
#   --fast  the fast lane while working: lint and the unit and property tests, without the browser, AppTest,
#           fresh-process (CLI, LibreOffice, servers) and slow tests (marks set in tests/conftest.py); no apt
#           installs, and setup only when .venv is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
fast=0
if [ "${1:-}" = "--fast" ]; then fast=1; shift; fi
# Real clients for the tests: Debian's chromium (browser tests) and LibreOffice Calc (opens the Excel report).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
# PostgreSQL 15 for the store's tests (tests/pg.py runs a throw-away cluster; without it those tests FAIL).
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql)
if [ "$fast" = 1 ]; then missing=(); fi  # the fast lane needs none of them
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
if [ "$fast" = 0 ] || [ ! -x .venv/bin/python ]; then bash scripts/setup.sh dev; fi
.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check .
.venv/bin/python -m mypy  # the engine's type hints (pyproject.toml): ~1 s cached, ~17 s CPU cold; both lanes
if [ "$fast" = 1 ]; then
  # tests/browser/ holds only browser tests: not collecting it spares each worker importing Playwright
  RECERT_FAST_LANE=1 exec .venv/bin/python -m pytest -n 2 --ignore=tests/browser \
    -m "not browser and not apptest and not process and not slow" "$@"
fi
.venv/bin/python -m pytest -n 2 "$@"
