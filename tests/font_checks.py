"""What the font tests look at: the bundled fonts, the fonts a PDF embeds, the characters drawn."""

from __future__ import annotations

import base64
import html
import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pypdf
from fontTools.ttLib import TTFont
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

FONTS_DIR = Path(__file__).resolve().parents[1] / "assets" / "fonts"
# Drawn by WeasyPrint, not written in the HTML: the markers of its default list styles (disc,
# circle, square) and the hyphen it adds where `hyphens: auto` breaks a word.
GENERATED = "•◦▪\u2010"
# What WeasyPrint may add to a family in the PDF font name (Pango's style words).
STYLE_WORDS = {"Bold", "Italic"}
_SVG_DATA = re.compile(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)")


def bundled_font_files(fonts_dir: Path = FONTS_DIR) -> list[Path]:
    return sorted(p for p in fonts_dir.iterdir() if p.suffix.lower() in (".ttf", ".otf"))


def bundled_families(fonts_dir: Path = FONTS_DIR) -> set[str]:
    families = set()
    for path in bundled_font_files(fonts_dir):
        names = TTFont(path)["name"]
        # Typographic family (16) when there is one, else the legacy family (1).
        families.add(str(names.getDebugName(16) or names.getDebugName(1)))
    return families


def bundled_code_points(fonts_dir: Path = FONTS_DIR) -> set[int]:
    points: set[int] = set()
    for path in bundled_font_files(fonts_dir):
        points |= set(TTFont(path).getBestCmap())
    return points


def drawn_characters(text: str) -> set[str]:
    """Every character a page of this HTML may draw: the markup with its entities decoded, the
    text of inline SVG images, and what WeasyPrint adds itself. Control and format characters
    (newlines, soft hyphens, zero-width spaces) draw nothing."""
    chunks = [html.unescape(text), GENERATED]
    chunks += [base64.b64decode(m).decode("utf-8") for m in _SVG_DATA.findall(text)]
    return {c for c in "".join(chunks) if unicodedata.category(c) not in ("Cc", "Cf")}


def uncovered(text: str, fonts_dir: Path = FONTS_DIR) -> list[str]:
    """The characters of `text` (see drawn_characters) that no bundled font has."""
    points = bundled_code_points(fonts_dir)
    return sorted(
        f"U+{ord(c):04X} {unicodedata.name(c, '?')}"
        for c in drawn_characters(text)
        if ord(c) not in points
    )


def pdf_fonts(data: bytes) -> set[tuple[str, str]]:
    """(FontName without its subset tag, FontFamily) of every font descriptor the pages use,
    including those of form XObjects (the SVG charts)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    seen: set[int] = set()
    found: set[tuple[str, str]] = set()

    def walk(obj: object) -> None:
        if isinstance(obj, IndirectObject):
            if obj.idnum in seen:
                return
            seen.add(obj.idnum)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            if obj.get("/Type") == "/FontDescriptor":
                name = str(obj["/FontName"]).lstrip("/").split("+", 1)[-1]
                found.add((name, str(obj.get("/FontFamily", ""))))
            for key, value in obj.items():
                if key != "/Parent":
                    walk(value)
        elif isinstance(obj, ArrayObject):
            for value in obj:
                walk(value)

    for page in reader.pages:
        walk(page.get("/Resources"))
    return found


def family_of(pdf_font_name: str, families: set[str]) -> str | None:
    """The bundled family a PDF font name ("Noto-Sans-Bold-Italic") belongs to, if any."""
    words = pdf_font_name.split("+", 1)[-1].replace("-", " ")
    for family in sorted(families, key=len, reverse=True):
        if words == family or (
            words.startswith(family + " ") and set(words[len(family) + 1 :].split()) <= STYLE_WORDS
        ):
            return family
    return None


def pdffonts_names(pdf: Path) -> list[str] | None:
    """The font names `pdffonts` (poppler-utils) lists for `pdf`, or None without pdffonts."""
    if shutil.which("pdffonts") is None:
        return None
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("---")) + 1
    return [line.split()[0] for line in lines[start:] if line.strip()]
