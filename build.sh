#!/usr/bin/env bash
# Builds every document (build/html, build/pdf) and report; extra arguments go to snakemake.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=tools/setup-env.sh
source tools/setup-env.sh
exec .venv/bin/snakemake --cores all "$@"
