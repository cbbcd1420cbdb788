#!/usr/bin/env bash
# Creates .venv with the pinned dependencies (once, and again when pyproject.toml or
# requirements.lock change). Sourced by build.sh and test.sh; safe to run on its own.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  command -v apt-get >/dev/null || { echo "Please install: $*" >&2; exit 1; }
  echo "Installing system packages: $*" >&2
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), sys.version' 2>/dev/null || {
  echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))." >&2; exit 1; }

# WeasyPrint renders with Pango (and HarfBuzz, fontconfig) from the system.
if ! ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so'; then
  apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv 2>/dev/null || { apt_install python3-venv; rm -rf .venv; "$PYTHON" -m venv .venv; }
fi

stamp=.venv/.installed
want=$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  # requirements.lock pins every package, so a rebuild here gives the same bytes as anywhere else.
  .venv/bin/python -m pip install -q -c requirements.lock -e '.[test]'
  echo "$want" > "$stamp"
fi

# The accessibility audit's two npm packages (axe-core, playwright-core), where npm exists.
if command -v npm >/dev/null && [ ! -d tools/a11y/node_modules/axe-core ]; then
  (cd tools/a11y && npm ci --no-audit --no-fund --silent) || echo "npm ci failed: the accessibility test will be skipped" >&2
fi
