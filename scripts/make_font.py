"""Subset Noto Sans SC to GBK coverage for the app's web renderer (assets/fonts/NotoSansSC-GBK.otf).

Flutter's web renderer ignores system fonts, so without a bundled CJK font Chinese text shows as
boxes. Member names can lie outside GB2312, so the subset keeps every character GBK can encode,
plus ASCII and the few symbols the UI uses. Run: `python scripts/make_font.py [--source FILE]`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "fonts" / "NotoSansSC-GBK.otf"
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")
SOURCES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansSC-Regular.otf"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)
SC_FAMILY = "Noto Sans CJK SC"
# Symbols the UI uses beyond GBK/ASCII (GBK already has · × ¥-like ￥; add the Latin-1 ones).
EXTRA = "¥·×—–…“”‘’•←→✓"


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
    wanted = gbk_codepoints()
    present = wanted & set(font.getBestCmap())
    options = subset.Options()
    # The UI is horizontal: vertical metrics and vertical-writing features are not needed.
    options.drop_tables += ["VORG", "vhea", "vmtx"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(present))
    subsetter.subset(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(out)
    return len(present)


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
        "Noto Sans CJK SC, subset to GBK coverage by scripts/make_font.py (a Modified Version).",
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
