#!/usr/bin/env bash
# Create .venv and install pinned requirements (idempotent). Usage: scripts/setup.sh [dev]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
if [ "${1:-}" = "dev" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
else
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
fi
# The engine itself, editable, so `python -m cpd` works from any folder (cron jobs, scripts).
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
