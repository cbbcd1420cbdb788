#!/usr/bin/env bash
# The redline of this checkout against another commit: what a change (a pull request, say) does
# to the documents. Builds BASE_REF in a temporary git worktree with this checkout's .venv,
# records that build as the previous build of this checkout's main edition (results/previous/),
# then builds this checkout, so that build/changes.html and changes.txt go from BASE_REF to here.
# CI runs it for pull requests (with the PR's base); a reviewer can run it locally:
#
#   tools/redline-against.sh origin/main
#
# It takes two builds. The base's build is read with this checkout's code, so both sides are
# read the same way even when the change is to the redline itself.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ne 1 ]; then
  echo "usage: tools/redline-against.sh BASE_REF (a commit, branch or tag)" >&2
  exit 2
fi
base=$(git rev-parse --verify --quiet "$1^{commit}") || {
  echo "No commit '$1' here (in CI, fetch it first: git fetch --depth=1 origin $1)." >&2
  exit 2
}
root=$PWD

# shellcheck source=tools/setup-env.sh
source tools/setup-env.sh

work=$(mktemp -d)
cleanup() {
  git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

git worktree add --quiet --detach "$work/base" "$base"
echo "Building the base, $1 ($(git rev-parse --short "$base")), in a temporary worktree …"
# The base's Snakefile runs the package beside it; only the interpreter is shared.
(cd "$work/base" && "$root/.venv/bin/snakemake" --cores all --quiet rules progress)

echo "Recording it as the previous build, then building this checkout …"
PYTHONPATH=scripts .venv/bin/python -m meeting_report.redline snapshot \
  --build "$work/base/build" --results "$work/base/results" --into results/previous \
  --commit "$base"
.venv/bin/snakemake --cores all --quiet rules progress
# When this checkout was already built, Snakemake had nothing to do and did not compare; when
# it compared, this keeps its redline.
PYTHONPATH=scripts .venv/bin/python -m meeting_report.redline update >/dev/null
echo
echo "The redline from $1 to this checkout (every change: build/changes.html):"
cat build/changes.txt
