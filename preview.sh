#!/usr/bin/env bash
# Live preview: serves the HTML documents on http://127.0.0.1:8000/ and re-renders what each edit
# affects (PDFs follow in the background). Extra arguments go to the preview, e.g. --port 8001.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=tools/setup-env.sh
source tools/setup-env.sh
PYTHONPATH=scripts exec .venv/bin/python -m meeting_report.preview "$@"
