#!/usr/bin/env bash
# Installs Debian/Ubuntu packages with apt-get: the ones named as arguments (tools/setup-env.sh
# names the libraries WeasyPrint needs), or, with no argument, what the checks beyond the Python
# packages need and this machine lacks: Debian's Chromium for the accessibility audit,
# poppler-utils (pdftoppm) and npm. Used by tools/setup-env.sh, .ci/run and the GitHub workflow.
#
# Runs apt-get as root, or through `sudo -n` (never a password prompt). When it cannot, it prints
# the command to run and exits 1.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  [ -x /usr/bin/chromium ] || set -- "$@" chromium
  command -v pdftoppm >/dev/null || set -- "$@" poppler-utils
  command -v npm >/dev/null || set -- "$@" npm
  [ "$#" -gt 0 ] || exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "Please install these packages (Debian names) with your system's package manager: $*" >&2
  exit 1
fi

if [ "$(id -u)" = 0 ]; then
  as_root() { "$@"; }
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root() { sudo -n "$@"; }
else
  echo "Missing system packages: $*. Install them with" >&2
  echo "  sudo apt-get update && sudo apt-get install -y $*" >&2
  echo "and run this command again." >&2
  exit 1
fi

echo "Installing system packages with apt-get: $*" >&2
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
