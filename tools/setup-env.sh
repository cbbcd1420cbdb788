#!/usr/bin/env bash
# Creates .venv with the pinned dependencies (once, and again when pyproject.toml or
# requirements.lock change), after checking the system libraries WeasyPrint needs. Sourced by
# build.sh and test.sh; safe to run on its own. Quiet unless it has something to do.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Shared libraries WeasyPrint loads, as soname:Debian package. Pango (with HarfBuzz and
# fontconfig) lays out every page; without HarfBuzz's subsetter WeasyPrint still works but
# subsets the fonts with fontTools, printing a warning for each.
RENDER_LIBS=(libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0
  libfontconfig.so.1:fontconfig)
SUBSET_LIBS=(libharfbuzz-subset.so.0:libharfbuzz-subset0)

# Prints the package of each soname:package argument whose library is not in the dynamic
# linker's cache. The listing is read whole before it is searched: `ldconfig -p | grep -q` fails
# now and then under pipefail, because grep exits at the first match and ldconfig, still writing,
# dies of SIGPIPE. ldconfig is in /sbin, which a normal user's PATH may lack.
missing_packages() {
  local cache entry
  cache=$(PATH="$PATH:/usr/sbin:/sbin" ldconfig -p 2>/dev/null) || cache=""
  for entry in "$@"; do
    case "$cache" in
      *"${entry%%:*} ("*) ;;
      *) echo "${entry#*:}" ;;
    esac
  done
}

# `SETUP_ENV_FUNCTIONS_ONLY=1 source tools/setup-env.sh` defines the above and stops (tests).
if [ -n "${SETUP_ENV_FUNCTIONS_ONLY:-}" ]; then return 0; fi

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), sys.version' 2>/dev/null || {
  echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))." >&2; exit 1; }

mapfile -t needed < <(missing_packages "${RENDER_LIBS[@]}")
mapfile -t wanted < <(missing_packages "${SUBSET_LIBS[@]}")
if [ $((${#needed[@]} + ${#wanted[@]})) -gt 0 ]; then
  if ! tools/install-system-packages.sh "${needed[@]}" "${wanted[@]}"; then
    if [ "${#needed[@]}" -gt 0 ]; then
      echo "WeasyPrint cannot render without ${needed[*]}." >&2
      exit 1
    fi
    echo "Going on without ${wanted[*]}: fonts are subset by fontTools (slower, warnings)." >&2
  fi
fi

stamp=.venv/.installed
want=$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv and installing the pinned packages (first run, about a minute)…" >&2
    if ! "$PYTHON" -m venv .venv >/dev/null 2>&1; then
      rm -rf .venv # a venv that could not install pip
      tools/install-system-packages.sh python3-venv
      "$PYTHON" -m venv .venv
    fi
  elif [ -s "$stamp" ]; then
    echo "pyproject.toml or requirements.lock changed: updating .venv (about a minute)…" >&2
  else
    echo "Installing the pinned packages into .venv (about a minute)…" >&2
  fi
  .venv/bin/python -m pip install -q --upgrade pip
  # requirements.lock pins every package, so a rebuild here gives the same bytes as anywhere else.
  .venv/bin/python -m pip install -q -c requirements.lock -e '.[test]'
  echo "$want" >"$stamp"
  echo ".venv is ready." >&2
fi

# The accessibility audit's two npm packages (axe-core, playwright-core), where npm exists.
if command -v npm >/dev/null && [ ! -d tools/a11y/node_modules/axe-core ]; then
  echo "Installing the accessibility audit's npm packages (tools/a11y)…" >&2
  (cd tools/a11y && npm ci --no-audit --no-fund --silent) ||
    echo "npm ci failed: the accessibility test will be skipped" >&2
fi
