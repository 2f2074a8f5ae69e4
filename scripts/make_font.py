"""Subset Noto Sans SC for the app's renderer: assets/fonts/NotoSansSC-Names.otf, and beside it
coverage.txt, the code points it can draw (the district's importer reads it to list names no
bundled font can draw, district/registry/glyphs.py).

Flutter's web renderer ignores system fonts, so without a bundled CJK font Chinese text shows as
boxes. Names reach far beyond GBK (䶮 U+4DAE in Extension A, 𠮷 U+20BB7 in Extension B), so the
subset keeps every character GBK can encode, ASCII and the symbols the UI uses, and every CJK
ideograph the source face has: all of the Unified Ideographs and Extension A, the 2,310 of
Extensions B–G it draws (among them all 196 of the Table of General Standard Chinese Characters
there, GB 18030-2022's level 2) and the compatibility ideographs. Debian's other CJK face, Noto
Serif CJK, draws no ideograph the Sans face lacks, so one font covers what any installed font can.

Size: the face's other-language forms (`locl`: the Japanese, Korean and traditional glyphs) and
vertical forms are left out — a Simplified Chinese app drawn horizontally never shows them, and
they were half the glyphs of the old GBK subset (9.1 MB for 21,890 characters; now 7.3 MB for
31,254). Run: `python scripts/make_font.py [--source FILE]`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "fonts" / "NotoSansSC-Names.otf"
COVERAGE = "coverage.txt"
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")
SOURCES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansSC-Regular.otf"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)
SC_FAMILY = "Noto Sans CJK SC"
# Symbols the UI uses beyond GBK/ASCII (GBK already has · × ¥-like ￥; add the Latin-1 ones).
EXTRA = "¥·×—–…“”‘’•←→✓"
# Every block of CJK ideographs: the Unified Ideographs, Extension A, Extensions B–H (the SMP's
# 0x20000–0x323AF), and the compatibility ideographs of the BMP and the SMP.
IDEOGRAPHS = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x323AF), (0xF900, 0xFAFF),
              (0x2F800, 0x2FA1F))
# Glyph forms a horizontal Simplified Chinese UI never asks for: other languages' forms and
# vertical writing. Leaving them out halves the file.
UNUSED_FEATURES = {"locl", "vert", "vrt2", "vchw", "valt", "vhal", "vkrn", "vpal"}


def gbk_codepoints() -> set[int]:
    """Every BMP character that GBK can encode, plus printable ASCII and EXTRA."""
    points = set(range(0x20, 0x7F))
    points.update(ord(ch) for ch in EXTRA)
    for code in range(0x80, 0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        try:
            chr(code).encode("gbk")
        except UnicodeEncodeError:
            continue
        points.add(code)
    return points


def wanted_codepoints() -> set[int]:
    """GBK (with ASCII and EXTRA) and every CJK ideograph."""
    points = gbk_codepoints()
    for first, last in IDEOGRAPHS:
        points.update(range(first, last + 1))
    return points


def load_sc_face(source: Path) -> TTFont:
    """The Simplified Chinese face: the file itself, or the SC member of a .ttc collection."""
    if source.suffix.lower() != ".ttc":
        return TTFont(source)
    for font in TTCollection(source).fonts:
        if font["name"].getDebugName(1) == SC_FAMILY:
            return font
    raise SystemExit(f"{source}: no '{SC_FAMILY}' face in the collection")


def make_subset(source: Path, out: Path) -> int:
    """Write the subset; returns how many of the wanted characters the font has."""
    font = load_sc_face(source)
    present = wanted_codepoints() & set(font.getBestCmap())
    options = subset.Options()
    # The UI is horizontal: vertical metrics and vertical-writing features are not needed.
    options.drop_tables += ["VORG", "vhea", "vmtx"]
    options.layout_features = [f for f in options.layout_features if f not in UNUSED_FEATURES]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(present))
    subsetter.subset(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(out)
    write_coverage(set(font.getBestCmap()), out.parent / COVERAGE)
    return len(present)


def ranges(points: set[int]) -> list[tuple[int, int]]:
    """Sorted code points as inclusive runs."""
    runs: list[tuple[int, int]] = []
    for point in sorted(points):
        if runs and runs[-1][1] == point - 1:
            runs[-1] = (runs[-1][0], point)
        else:
            runs.append((point, point))
    return runs


def write_coverage(points: set[int], path: Path) -> None:
    """One run per line, `4E00-9FEF` or `3007`, in hex: what the bundled font can draw."""
    lines = [f"{a:04X}" if a == b else f"{a:04X}-{b:04X}" for a, b in ranges(points)]
    header = "# Code points assets/fonts/NotoSansSC-Names.otf draws (scripts/make_font.py)"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="ascii")


def ofl_text(copyright_file: Path, font_copyright: str) -> str:
    """The SIL OFL 1.1 text from Debian's copyright file, headed by the font's own notice."""
    lines = copyright_file.read_text(encoding="utf-8").splitlines()
    start = lines.index("License: SIL-1.1", lines.index("License: SIL-1.1") + 1) + 1
    body: list[str] = []
    for line in lines[start:]:
        if not line.startswith(" "):
            break
        body.append("" if line.strip() == "." else line[1:])
    header = [
        font_copyright,
        "Noto Sans CJK SC, subset by scripts/make_font.py to GBK and the CJK ideographs",
        "(a Modified Version).",
        "",
    ]
    return "\n".join(header + body) + "\n"


def write_licence(source: Path, out: Path) -> None:
    notice = load_sc_face(source)["name"].getDebugName(0) or "Noto Sans CJK"
    (out.parent / "OFL.txt").write_text(ofl_text(DEBIAN_COPYRIGHT, notice), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, help="Noto Sans SC .otf or Noto Sans CJK .ttc")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    source: Path | None = args.source or next((p for p in SOURCES if p.exists()), None)
    if source is None:
        print("no Noto Sans SC / CJK font found; apt-get install fonts-noto-cjk", file=sys.stderr)
        return 1
    count = make_subset(source, args.out)
    if DEBIAN_COPYRIGHT.exists():
        write_licence(source, args.out)
    size_mb = args.out.stat().st_size / 1e6
    print(f"{args.out}: {count} characters, {size_mb:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
