"""Fonts come only with the project: fontconfig sees assets/fonts alone, every glyph is covered,
and the machine's fonts never change a PDF's bytes.

Renders and `use_project_fonts` calls run in a fresh interpreter, as a render job does: the
function must come before WeasyPrint is imported, and this test process imported it long ago.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from meeting_report.fonts import FAMILIES, fontconfig_xml, text_library_versions
from meeting_report.manifest import software_versions
from tests.font_checks import (
    FONTS_DIR,
    bundled_families,
    bundled_font_files,
    family_of,
    pdf_fonts,
    uncovered,
)
from tests.render.conftest import DOCS, render

ROOT = Path(__file__).resolve().parents[2]
ASSETS_DIR = ROOT / "assets"
CREATED = "2017-12-01T00:00:00Z"
# Nested lists (disc, circle, square bullets), the symbols the subset adds, and families a
# stylesheet might name that only a machine has.
SYMBOLS_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Fonts</title>'
    '<link rel="stylesheet" href="css/print.css"></head><body>'
    "<ul><li>one<ul><li>two<ul><li>three</li></ul></li></ul></li></ul>"
    "<p>Squares ▪ ■ □, circles ◦ ○ ●, boxes ☐ ☑ ☒, checks ✓ ✗.</p>"
    '<p style="font-family: serif">Serif ▪ ◦</p>'
    '<p style="font-family: monospace">Monospace ▪ ◦</p>'
    "<p style=\"font-family: 'DejaVu Sans', 'Liberation Sans'\">DejaVu ▪ ◦</p>"
    "<p style=\"font-family: 'Machine Symbols'\">Machine ▪ ◦</p>"
    "</body></html>"
)

# One fresh interpreter: set the fonts (or not), then render each (html, pdf) pair.
RENDER = """
import json, sys
from pathlib import Path
job = json.loads(sys.argv[1])
if job["project_fonts"]:
    from meeting_report.fonts import use_project_fonts
    use_project_fonts(job["fonts"], job["cache"])
    from meeting_report.pdf import pdf_bytes
    def render(html):
        return pdf_bytes(html, job["assets"], job["assets"], job["created"], strict=True)
else:
    # The control: WeasyPrint alone, with whatever fonts the machine's fontconfig offers.
    import weasyprint
    def render(html):
        base = Path(job["assets"]).as_uri() + "/"
        return weasyprint.HTML(string=html, base_url=base).write_pdf()
for source, target in job["files"]:
    Path(target).write_bytes(render(Path(source).read_text(encoding="utf-8")))
"""


def fresh_python(code: str, *args: str, env: dict[str, str] | None = None) -> str:
    """Run `code` in a new interpreter that imports this checkout's package; its stdout."""
    base = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
    base["PYTHONPATH"] = str(ROOT / "scripts")
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def render_fresh(
    files: list[tuple[Path, Path]], cache: Path, *, project_fonts: bool = True, **env: str
) -> None:
    job = {
        "project_fonts": project_fonts,
        "fonts": str(FONTS_DIR),
        "assets": str(ASSETS_DIR),
        "cache": str(cache),
        "created": CREATED,
        "files": [[str(a), str(b)] for a, b in files],
    }
    fresh_python(RENDER, json.dumps(job), env=env)


def families_in(data: bytes) -> set[str]:
    return {family for _, family in pdf_fonts(data)}


def assert_only_bundled(data: bytes, what: str) -> None:
    families = bundled_families()
    fonts = pdf_fonts(data)
    assert fonts, f"{what}: no fonts found"
    strangers = sorted(
        f"{name} ({family})"
        for name, family in fonts
        if family not in families or family_of(name, families) != family
    )
    assert not strangers, f"{what} embeds fonts that are not in assets/fonts: {strangers}"


def write_machine_font(folder: Path) -> Path:
    """A font that is not the project's: "Machine Symbols", with ▪ and ◦ but no letters."""
    folder.mkdir(parents=True, exist_ok=True)
    font = TTFont(FONTS_DIR / "NotoSansSymbols2-Regular-subset.ttf")
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = "Machine Symbols"
        elif record.nameID == 6:
            record.string = "MachineSymbols-Regular"
    font.save(folder / "MachineSymbols.ttf")
    return folder / "MachineSymbols.ttf"


@pytest.fixture
def machine(tmp_path: Path) -> Path:
    """A machine's fontconfig: the system's configuration plus an installed font package
    ("Machine Symbols"). Returns the configuration file."""
    folder = tmp_path / "machine-fonts"
    write_machine_font(folder)
    system = Path("/etc/fonts/fonts.conf")
    include = f"<include ignore_missing='yes'>{system}</include>" if system.is_file() else ""
    config = tmp_path / "machine.conf"
    config.write_text(
        f"<?xml version='1.0'?><fontconfig>{include}<dir>{folder}</dir>"
        f"<cachedir>{tmp_path / 'machine-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return config


@pytest.fixture
def print_pages(tmp_path: Path, real_data) -> dict[str, Path]:
    """The print HTML of the documents (the real data) and of the symbols page."""
    pages = {"symbols": tmp_path / "symbols.html"}
    pages["symbols"].write_text(SYMBOLS_PAGE, encoding="utf-8")
    for doc in DOCS:
        pages[doc] = tmp_path / f"{doc}.html"
        pages[doc].write_text(render(doc, real_data[doc], medium="print"), encoding="utf-8")
    return pages


# --------------------------------------------------------------------------- fontconfig


def test_families_match_the_bundled_files() -> None:
    assert set(FAMILIES) == bundled_families()


def test_fontconfig_sees_only_the_bundled_fonts(tmp_path: Path) -> None:
    if shutil.which("fc-list") is None or shutil.which("fc-match") is None:
        pytest.skip("fc-list/fc-match (Debian package fontconfig) not installed")
    config = tmp_path / "fonts.conf"
    config.write_text(fontconfig_xml(FONTS_DIR, tmp_path / "cache"), encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}

    def run(*args: str) -> str:
        return subprocess.run(args, capture_output=True, text=True, env=env, check=True).stdout

    listed = {Path(line) for line in run("fc-list", "--format", "%{file}\n").split()}
    assert listed == set(bundled_font_files())
    for family in ("sans-serif", "serif", "monospace", "Arial", "DejaVu Sans"):
        assert run("fc-match", "--format", "%{family[0]}", family) == "Noto Sans", family
    # A bullet Noto Sans lacks falls back to the bundled symbols, not to a machine font.
    assert run("fc-match", "--format", "%{family[0]}", "sans-serif:charset=25aa") == (
        "Noto Sans Symbols2"
    )


def test_use_project_fonts_is_idempotent_and_writes_nothing_into_assets(tmp_path: Path) -> None:
    fonts = tmp_path / "assets" / "fonts"
    shutil.copytree(FONTS_DIR, fonts)
    fonts.chmod(0o555)  # a read-only checkout (root ignores it: the listing is checked too)
    before = sorted(p.name for p in fonts.iterdir())
    code = """
import json, os, sys
from meeting_report.fonts import use_project_fonts
fonts, cache = sys.argv[1], sys.argv[2]
first = use_project_fonts(fonts)
again = use_project_fonts(fonts)
import weasyprint
after_import = use_project_fonts(fonts)
env = os.environ["FONTCONFIG_FILE"]
moved = use_project_fonts(fonts, cache)
print(json.dumps({"first": str(first), "again": str(again), "after_import": str(after_import),
                  "env": env, "moved": str(moved), "env_moved": os.environ["FONTCONFIG_FILE"]}))
"""
    # The default cache folder is under the temporary folder: this test's own.
    temp = tmp_path / "tmp"
    temp.mkdir()
    try:
        out = json.loads(
            fresh_python(code, str(fonts), str(tmp_path / "other-cache"), env={"TMPDIR": str(temp)})
        )
    finally:
        fonts.chmod(0o755)
    assert out["first"] == out["again"] == out["after_import"] == out["env"]
    config = Path(out["first"])
    assert config.is_file()
    assert config.is_relative_to(temp)
    assert not config.is_relative_to(fonts.parent) and not config.is_relative_to(ROOT)
    text = config.read_text(encoding="utf-8")
    assert re.findall(r"<dir>(.*?)</dir>", text) == [str(fonts)]
    assert "<cachedir>" in text and "<include" not in text
    assert sorted(p.name for p in fonts.iterdir()) == before
    # Set up here once, it may move (another cache here) even with WeasyPrint loaded.
    assert out["moved"] == out["env_moved"] == str(tmp_path / "other-cache" / "fonts.conf")


def test_use_project_fonts_refuses_after_weasyprint_was_imported() -> None:
    code = """
import weasyprint
from meeting_report.fonts import use_project_fonts
try:
    use_project_fonts(__import__("sys").argv[1])
except RuntimeError as error:
    print(error)
"""
    out = fresh_python(code, str(FONTS_DIR))
    assert "WeasyPrint was imported before use_project_fonts()" in out
    assert "before importing weasyprint" in out


def test_each_render_sees_the_fonts_folder_set_up_last(tmp_path: Path) -> None:
    """What allows moving to another fonts folder after WeasyPrint is loaded: WeasyPrint 70
    reads FONTCONFIG_FILE anew for every render. Fails if a WeasyPrint upgrade stops that."""
    other = tmp_path / "assets"
    write_machine_font(other / "fonts")
    code = """
import json, sys
from pathlib import Path
from meeting_report.fonts import use_project_fonts
from meeting_report.pdf import pdf_bytes
project, other, out = (Path(arg) for arg in sys.argv[1:4])
html = '<html lang="en"><title>t</title><p style="font-family: sans-serif">Text ▪</p></html>'
for name, assets in (("project", project), ("other", other), ("back", project)):
    use_project_fonts(assets / "fonts")
    (out / f"{name}.pdf").write_bytes(pdf_bytes(html, assets, assets, sys.argv[4]))
"""
    fresh_python(code, str(ASSETS_DIR), str(other), str(tmp_path), CREATED)
    project = (tmp_path / "project.pdf").read_bytes()
    assert families_in(project) == {"Noto Sans", "Noto Sans Symbols2"}
    assert families_in((tmp_path / "other.pdf").read_bytes()) == {"Machine Symbols"}
    assert (tmp_path / "back.pdf").read_bytes() == project


# --------------------------------------------------------------------------- renders


def test_renders_embed_only_bundled_fonts_whatever_the_machine_has(
    tmp_path: Path, print_pages: dict[str, Path], machine: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    jobs = [(page, out / f"{name}.pdf") for name, page in print_pages.items()]
    jobs.append((print_pages["symbols"], out / "symbols-again.pdf"))
    # The machine has an extra font package installed.
    render_fresh(jobs, tmp_path / "cache", FONTCONFIG_FILE=str(machine))
    for _, pdf in jobs:
        assert_only_bundled(pdf.read_bytes(), pdf.name)
    symbols = (out / "symbols.pdf").read_bytes()
    assert families_in(symbols) == {"Noto Sans", "Noto Sans Symbols2"}
    # Same HTML, same process: same bytes.
    assert (out / "symbols-again.pdf").read_bytes() == symbols

    # Another machine (its default fonts, a new font cache), another process: same bytes.
    other = tmp_path / "other.pdf"
    render_fresh([(print_pages["symbols"], other)], tmp_path / "other-cache")
    assert other.read_bytes() == symbols

    # The control: without the project's set-up, the installed font does reach the PDF, so the
    # checks above would have seen it.
    leaked = tmp_path / "leaked.pdf"
    render_fresh(
        [(print_pages["symbols"], leaked)],
        tmp_path / "unused",
        project_fonts=False,
        FONTCONFIG_FILE=str(machine),
    )
    assert "Machine Symbols" in families_in(leaked.read_bytes())


def test_every_character_of_the_documents_is_in_a_bundled_font(
    print_pages: dict[str, Path],
) -> None:
    for name, page in print_pages.items():
        assert not uncovered(page.read_text(encoding="utf-8")), name


def test_a_character_no_bundled_font_has_is_reported() -> None:
    assert uncovered("<p>→ ▪</p>") == ["U+2192 RIGHTWARDS ARROW"]


# --------------------------------------------------------------------------- build record


def test_manifest_records_the_text_libraries() -> None:
    libraries = software_versions()["libraries"]
    assert libraries == text_library_versions()
    assert set(libraries) == {"pango", "harfbuzz", "harfbuzz-subset", "fontconfig", "freetype"}
    # WeasyPrint cannot render without these three.
    for name in ("pango", "harfbuzz", "fontconfig"):
        assert re.fullmatch(r"\d+\.\d+\.\d+", libraries[name]), (name, libraries[name])


def test_library_versions_agree_with_weasyprint() -> None:
    from weasyprint.text.ffi import pango

    number = pango.pango_version()  # e.g. 15012 for 1.50.12
    major, minor, micro = (int(part) for part in text_library_versions()["pango"].split("."))
    assert number == major * 10000 + minor * 100 + micro
