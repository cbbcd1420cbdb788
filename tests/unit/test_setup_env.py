"""The set-up's check for system libraries is race-free, and it never asks for a password.

tools/setup-env.sh once checked for Pango with `ldconfig -p | grep -q` under `set -o pipefail`:
grep exits at the first match, ldconfig dies of SIGPIPE, and about 6 runs in 1,000 went on to
run apt-get (a sudo password prompt for a normal user).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
SETUP_ENV = ROOT / "tools" / "setup-env.sh"
INSTALL = ROOT / "tools" / "install-system-packages.sh"


def run_bash(script: str, path_first: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `script` under `set -euo pipefail` with setup-env.sh's functions defined."""
    env = {**os.environ, "SETUP_ENV_FUNCTIONS_ONLY": "1"}
    if path_first is not None:
        env["PATH"] = f"{path_first}{os.pathsep}{env['PATH']}"
    prelude = f"set -euo pipefail; source '{SETUP_ENV}'\n"
    return subprocess.run(
        ["bash", "-c", prelude + script], capture_output=True, text=True, env=env, timeout=60
    )


def fake_command(folder: Path, name: str, body: str) -> None:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


def fake_ldconfig(tmp_path: Path, *sonames: str) -> Path:
    """A folder with an `ldconfig` whose listing names `sonames` first, then 2 MB more: far more
    than a pipe holds, so a reader that stops at the first match kills it with SIGPIPE."""
    listing = tmp_path / "listing.txt"
    lines = [f"\t{name} (libc6,x86-64) => /lib/{name}" for name in sonames]
    filler = "\tlibfiller.so.0 (libc6,x86-64) => /lib/libfiller.so.0"
    listing.write_text("\n".join(lines + [filler] * 40_000) + "\n", encoding="utf-8")
    fake_command(tmp_path / "bin", "ldconfig", f"cat '{listing}'")
    return tmp_path / "bin"


def test_the_check_gives_the_same_answer_200_times_under_pipefail():
    result = run_bash(
        'first=$(missing_packages "${RENDER_LIBS[@]}" "${SUBSET_LIBS[@]}")\n'
        "for _ in $(seq 200); do\n"
        '  [ "$(missing_packages "${RENDER_LIBS[@]}" "${SUBSET_LIBS[@]}")" = "$first" ] || exit 3\n'
        "done\n"
        'echo "ok:$first"'
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok:")


def test_a_listing_longer_than_a_pipe_is_read_whole(tmp_path):
    fake = fake_ldconfig(tmp_path, "libpango-1.0.so.0", "libpangoft2-1.0.so.0")
    # What the old check did fails with this listing ...
    old = run_bash("ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so'", path_first=fake)
    assert old.returncode != 0
    # ... the check finds what is there and names the packages of what is not.
    result = run_bash('missing_packages "${RENDER_LIBS[@]}" "${SUBSET_LIBS[@]}"', fake)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["fontconfig", "libharfbuzz-subset0"]


def test_installing_never_prompts_for_a_password(tmp_path):
    """A normal user whose sudo needs a password is told the command; apt-get never runs."""
    bin_dir = tmp_path / "bin"
    ran = tmp_path / "ran"
    fake_command(bin_dir, "id", "echo 1000")
    # `sudo -n` fails when a password is needed; anything else would prompt.
    fake_command(bin_dir, "sudo", f'echo "sudo $*" >> "{ran}"; [ "$1" != -n ] || exit 1; read x')
    fake_command(bin_dir, "apt-get", f'echo "apt-get $*" >> "{ran}"')
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [str(INSTALL), "libharfbuzz-subset0"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 1
    assert "sudo apt-get install -y libharfbuzz-subset0" in result.stderr
    calls = ran.read_text(encoding="utf-8").splitlines() if ran.exists() else []
    assert all(call.startswith("sudo -n ") for call in calls), calls
