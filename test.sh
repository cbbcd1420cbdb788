#!/usr/bin/env bash
# Runs the whole test suite; extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=tools/setup-env.sh
source tools/setup-env.sh
exec .venv/bin/python -m pytest "$@"
