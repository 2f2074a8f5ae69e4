"""Names the app cannot draw (district/registry/glyphs.py): the importer imports them and lists
them, by line, so the office can fix the spelling or knows the card will show a box."""

from __future__ import annotations

from pathlib import Path

from district.registry.glyphs import Coverage, bundled, undrawable_names
from district.registry.importer import import_members
from district.service import District
from tests.district_support import Cli, csv_bytes
from tests.fakes import NOW

BEYOND = "\U0002EBF0"  # 𮯰, CJK Extension I (Unicode 15.1): in no bundled font


def test_the_bundled_font_draws_rare_name_characters_and_not_what_it_lacks() -> None:
    font = bundled()
    for char in "陈喆䶮𠮷堃·":  # GB2312, GBK, Extension A, Extension B, the name dot
        assert font.draws(char), f"U+{ord(char):04X}"
    for char in (BEYOND, "😀", "\U00017000"):  # Extension I, an emoji, Tangut
        assert not font.draws(char)


def test_coverage_runs_are_searched_at_their_edges() -> None:
    runs = Coverage([(0x41, 0x43), (0x4E00, 0x4E00)])
    assert [runs.draws(c) for c in "@ABCD一丁"] == [False, True, True, True, False, True, False]
    assert runs.missing("ABX 一X") == "X"


def test_the_import_lists_names_with_characters_no_bundled_font_draws(
        district: District) -> None:
    data = csv_bytes("WZ0001,王䶮,3317,WZ-MD,木渎精工机械工会,,",
                     f"WZ0002,李{BEYOND}明,1234,WZ-MD,木渎精工机械工会,,",
                     "WZ0003,吉𠮷,0001,WZ-MD,木渎精工机械工会,,",
                     f"WZ0004,{BEYOND}{BEYOND}😀,0002,WZ-MD,木渎精工机械工会,,")
    with district.sessions.begin() as session:
        report = import_members(session, data, "test", NOW)
    assert report.created == 4  # imported all the same
    assert [(u.line, u.member_no, u.missing) for u in report.undrawable] == [
        (3, "WZ0002", BEYOND), (5, "WZ0004", BEYOND + "😀")]
    assert str(report.undrawable[0]).startswith(f"第 3 行 WZ0002 李{BEYOND}明：{BEYOND}（U+2EBF0）")


def test_a_file_of_drawable_names_has_no_warning() -> None:
    assert undrawable_names([(2, "WZ1", "陈建国"), (3, "WZ2", "王 喆")]) == ()


def test_the_cli_prints_the_names_after_the_import(db_url: str, tmp_path: Path) -> None:
    cli = Cli(db_url, tmp_path / "data")
    members = tmp_path / "members.csv"
    members.write_bytes(csv_bytes("WZ1,陈建国,3317,WZ-MD,木渎精工工会,,",
                                  f"WZ2,李{BEYOND}明,1234,WZ-MD,木渎精工工会,,"))
    [init] = cli.run(["init"])
    assert init.returncode == 0, init.stderr
    [imported] = cli.run(["import-members", str(members)])
    assert imported.returncode == 0, imported.stderr
    assert "imported 2 rows" in imported.stdout
    assert "1 个姓名含有本应用字体没有的字" in imported.stdout
    assert f"第 3 行 WZ2 李{BEYOND}明" in imported.stdout and "U+2EBF0" in imported.stdout
