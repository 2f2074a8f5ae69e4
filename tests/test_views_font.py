"""The bundled CJK font: without it the web renderer draws Chinese as boxes."""

from __future__ import annotations

from pathlib import Path

from fontTools.ttLib import TTFont

from app.demo import PEOPLE, SPOTS, UNION
from app.i18n import MESSAGES
from district.registry.glyphs import COVERAGE, Coverage
from views.theme import FONT_ASSET, FONT_FAMILY, build_theme

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def font_cmap() -> set[int]:
    with TTFont(ASSETS / FONT_ASSET, lazy=True) as font:
        return set(font.getBestCmap())


def test_the_font_is_an_opentype_file_the_web_renderer_can_load() -> None:
    with (ASSETS / FONT_ASSET).open("rb") as f:
        assert f.read(4) in (b"OTTO", b"\x00\x01\x00\x00")  # CFF OTF or TrueType, not WOFF2


def test_the_font_covers_every_message_and_the_demo_data() -> None:
    wanted = "".join(t for entry in MESSAGES.values() for t in entry.values())
    wanted += "".join(p.name + (p.relation or "") + "".join(p.titles) for p in PEOPLE) + UNION
    wanted += "".join(name for _, name, _, _, _ in SPOTS) + "、：¥·×"
    cmap = font_cmap()
    missing = {ch for ch in wanted if ch.strip() and ord(ch) not in cmap}
    assert missing == set()


def test_the_font_covers_gbk_names_beyond_gb2312() -> None:
    cmap = font_cmap()
    for ch in "喆堃昇珺玥":  # common in given names; in GBK, not in GB2312
        assert ord(ch) in cmap
        assert not _in_gb2312(ch)


def test_the_font_draws_names_beyond_gbk_in_every_cjk_extension() -> None:
    cmap = font_cmap()
    assert {0x20BB7, 0x4DAE} <= cmap  # 𠮷 (Extension B), 䶮 (Extension A): real names
    assert set(range(0x4E00, 0x9FF0)) <= cmap  # every Unified Ideograph up to Unicode 12
    assert set(range(0x3400, 0x4DB6)) <= cmap  # all of Extension A
    assert len({c for c in cmap if c >= 0x20000}) > 2_300  # what the face has of B–G


def test_the_coverage_list_the_district_reads_is_exactly_the_fonts() -> None:
    cmap, listed = font_cmap(), Coverage.read(COVERAGE)
    assert COVERAGE.parent == (ASSETS / FONT_ASSET).parent
    assert all(listed.draws(chr(c)) for c in cmap)
    assert not any(listed.draws(chr(c)) for c in range(0x110000) if c not in cmap
                   and not 0xD800 <= c <= 0xDFFF)


def test_the_font_costs_less_than_the_gbk_subset_it_replaced() -> None:
    assert (ASSETS / FONT_ASSET).stat().st_size < 9_085_040  # the GBK-only file's bytes


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def test_the_theme_uses_the_bundled_font_and_its_licence_ships_beside_it() -> None:
    assert build_theme().font_family == FONT_FAMILY
    assert "SIL OPEN FONT LICENSE Version 1.1" in (ASSETS / "fonts" / "OFL.txt").read_text("utf-8")
