#!/usr/bin/env bash
# Builds every document (build/html, build/pdf) and report; extra arguments go to snakemake.
set -euo pipefail
cd "$(dirname "$0")"

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  cat <<'USAGE'
Usage: ./build.sh [TARGET ...] [SNAKEMAKE OPTION ...]

Targets:
  (none)                        every document (HTML and PDF) and every report
  validate                      only check the inputs (build/validation.html, .csv)
  summaries                     the survey summaries (results/summary/)
  build/pdf/annexes.pdf         one document's PDF (summary_report, highlights, annexes)
  build/html/annexes.html       one document's HTML
  preview                       live preview in the browser (same as ./preview.sh)

Another edition: ./build.sh --config edition=NAME raw_dir=DIR narrative_dir=DIR
  (its outputs go to build/editions/NAME/ and results/editions/NAME/)

Snakemake's own options follow.

USAGE
  if [ -x .venv/bin/snakemake ]; then exec .venv/bin/snakemake --help; fi
  echo "(Run ./build.sh once to set up .venv; then this lists Snakemake's options too.)"
  exit 0
fi

# shellcheck source=tools/setup-env.sh
source tools/setup-env.sh
if [ "${1:-}" = "preview" ]; then
  shift
  exec ./preview.sh "$@"
fi
exec .venv/bin/snakemake --cores all "$@"
