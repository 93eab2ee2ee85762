#!/usr/bin/env bash
# Set up and run the Recert dashboard at http://127.0.0.1:8501 with the bundled sample data loaded.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export RECERT_DEMO=${RECERT_DEMO:-1}
exec .venv/bin/python -m streamlit run app.py --server.port "${PORT:-8501}" "$@"
