"""Fonts that come only with the project: a fontconfig set-up that sees `assets/fonts` alone.

WeasyPrint asks Pango, and Pango asks fontconfig, for every glyph. With the machine's own
configuration, any glyph the bundled fonts lack is drawn from whatever fonts happen to be
installed, so the PDF bytes change with the machine. `use_project_fonts` writes a fontconfig
configuration whose only font folder is the project's, points `FONTCONFIG_FILE` at it and
so makes every render of this process see the bundled fonts and nothing else.

The configuration is generated at run time (it holds absolute paths of this machine) into a
writable folder outside the repository, so a read-only checkout renders too.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

# The bundled families, in fallback order: text first, then the symbols Noto Sans lacks
# (list bullets ▪ ◦, arrows, check marks). The generic CSS families resolve to them.
FAMILIES = ("Noto Sans", "Noto Sans Symbols2")
GENERIC_FAMILIES = ("sans-serif", "serif", "monospace")

# (fonts folder, configuration file) of the last successful call in this process.
_active: tuple[Path, Path] | None = None


def fontconfig_xml(fonts_dir: Path, cache_dir: Path) -> str:
    """The configuration: one font folder, one cache folder, generic families → bundled fonts."""
    prefer = "".join(f"<family>{escape(family)}</family>" for family in FAMILIES)
    aliases = "\n".join(
        f'  <alias binding="same"><family>{generic}</family><prefer>{prefer}</prefer></alias>'
        for generic in GENERIC_FAMILIES
    )
    not_generic = "\n".join(
        f'    <test qual="all" name="family" compare="not_eq"><string>{generic}</string></test>'
        for generic in GENERIC_FAMILIES
    )
    return f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<!-- Written by meeting_report.fonts at run time: the project's fonts and no others. -->
<fontconfig>
  <dir>{escape(str(fonts_dir))}</dir>
  <cachedir>{escape(str(cache_dir))}</cachedir>
{aliases}
  <!-- A family the folder does not have ("Segoe UI", "Arial") falls back to sans-serif, as the
       system's 49-sansserif.conf would do. -->
  <match target="pattern">
{not_generic}
    <edit name="family" mode="append_last"><string>sans-serif</string></edit>
  </match>
  <config><rescan><int>0</int></rescan></config>
</fontconfig>
"""


def default_cache_dir(fonts_dir: Path) -> Path:
    """A folder of this user's under the temporary folder, one per fonts folder."""
    posix = hasattr(os, "getuid")
    user = str(os.getuid()) if posix else os.environ.get("USERNAME", "user")
    base = Path(tempfile.gettempdir()) / f"meeting-report-fontconfig-{user}"
    base.mkdir(mode=0o700, exist_ok=True)
    info = base.lstat()
    # In a shared /tmp someone else could have made this folder first and planted a cache or
    # configuration in it: use it only if it is our own, private, real folder.
    if not stat.S_ISDIR(info.st_mode) or (
        posix and (info.st_uid != os.getuid() or info.st_mode & 0o077)
    ):
        raise RuntimeError(
            f"{base} is not a private folder of this user; pass use_project_fonts(cache_dir=...)"
        )
    digest = hashlib.sha256(str(fonts_dir).encode("utf-8")).hexdigest()[:16]
    return base / digest


def _write_if_changed(path: Path, text: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    # Render jobs run in parallel: write whole files only (rename is atomic).
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".fonts-", suffix=".conf")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def use_project_fonts(
    fonts_dir: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None = None
) -> Path:
    """Make fontconfig (hence Pango and WeasyPrint) see only the fonts in `fonts_dir`.

    Call before WeasyPrint is imported. The configuration and fontconfig's cache go to
    `cache_dir` (default: a private folder under the temporary folder), never into `fonts_dir`.
    Calling again with the same fonts folder (and the same or no `cache_dir`) does nothing. If
    WeasyPrint was imported before the first call, under a fontconfig set-up this function did
    not make, raise RuntimeError rather than render with fonts the project does not have.
    Returns the configuration file.

    A missing or empty `fonts_dir` is no error: fontconfig then offers no font at all, and the
    stylesheet's @font-face files come through the render's fetcher, which refuses what is not
    there.
    """
    global _active
    fonts = Path(fonts_dir).resolve()
    current = os.environ.get("FONTCONFIG_FILE")
    same_cache = cache_dir is None or (_active and Path(cache_dir).resolve() == _active[1].parent)
    if _active and _active[0] == fonts and current == str(_active[1]) and same_cache:
        return _active[1]
    cache = Path(cache_dir).resolve() if cache_dir else default_cache_dir(fonts)
    config = cache / "fonts.conf"
    if "weasyprint" in sys.modules and _active is None and current != str(config):
        # WeasyPrint came first, under a set-up not made here (the machine's?): whatever it
        # rendered may hold other fonts. Checked before writing anything. Once set up here,
        # moving to another fonts folder is safe: WeasyPrint 70 loads FONTCONFIG_FILE anew for
        # every render (tests/render/test_fonts.py checks it).
        raise RuntimeError(
            "WeasyPrint was imported before use_project_fonts() "
            f"(FONTCONFIG_FILE={current!r}, wanted {str(config)!r}): call "
            "meeting_report.fonts.use_project_fonts(<assets>/fonts) before importing weasyprint"
        )
    cache.mkdir(parents=True, exist_ok=True)
    _write_if_changed(config, fontconfig_xml(fonts, cache))
    os.environ["FONTCONFIG_FILE"] = str(config)
    # A sysroot would be prepended to every folder of the configuration.
    os.environ.pop("FONTCONFIG_SYSROOT", None)
    _active = (fonts, config)
    return config


# --------------------------------------------------------------------------- library versions

# The shared libraries WeasyPrint loads (the names its cffi bindings try, Linux first). Their
# versions change line breaks, glyph positions and embedded font subsets, hence the PDF bytes.
_LIBRARIES = {
    "pango": ("libpango-1.0.so.0", "libpango-1.0.dylib", "libpango-1.0-0.dll"),
    "harfbuzz": ("libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll"),
    # WeasyPrint subsets fonts with it when present, with fontTools otherwise: other bytes.
    "harfbuzz-subset": (
        "libharfbuzz-subset.so.0",
        "libharfbuzz-subset.0.dylib",
        "libharfbuzz-subset-0.dll",
    ),
    "fontconfig": ("libfontconfig.so.1", "libfontconfig.1.dylib", "libfontconfig-1.dll"),
    "freetype": ("libfreetype.so.6", "libfreetype.6.dylib", "libfreetype-6.dll"),
}


def _load(names: tuple[str, ...]) -> Any:
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def _freetype_version(lib: Any) -> str:
    handle = ctypes.c_void_p()
    if lib.FT_Init_FreeType(ctypes.byref(handle)) != 0:
        return "unknown"
    try:
        parts = [ctypes.c_int() for _ in range(3)]
        lib.FT_Library_Version(handle, *(ctypes.byref(p) for p in parts))
        return ".".join(str(p.value) for p in parts)
    finally:
        lib.FT_Done_FreeType(handle)


@functools.cache
def text_library_versions() -> dict[str, str]:
    """Versions of Pango, HarfBuzz (and its subsetter), fontconfig and FreeType.

    Asked through ctypes, not through WeasyPrint: importing WeasyPrint costs 0.6 s and must
    wait for `use_project_fonts`. Loading a library does not read any font configuration.
    """
    libs = {name: _load(files) for name, files in _LIBRARIES.items()}
    versions = {name: "not installed" for name in _LIBRARIES}
    if libs["pango"] is not None:
        libs["pango"].pango_version_string.restype = ctypes.c_char_p
        versions["pango"] = libs["pango"].pango_version_string().decode()
    if libs["harfbuzz"] is not None:
        libs["harfbuzz"].hb_version_string.restype = ctypes.c_char_p
        versions["harfbuzz"] = libs["harfbuzz"].hb_version_string().decode()
        if libs["harfbuzz-subset"] is not None:
            # Built from the same source as libharfbuzz, which it requires.
            versions["harfbuzz-subset"] = versions["harfbuzz"]
    if libs["fontconfig"] is not None:
        number = libs["fontconfig"].FcGetVersion()
        versions["fontconfig"] = f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    if libs["freetype"] is not None:
        versions["freetype"] = _freetype_version(libs["freetype"])
    return versions
