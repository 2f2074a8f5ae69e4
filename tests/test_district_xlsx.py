"""The registry's .xlsx reader: it reads what openpyxl writes exactly as openpyxl reads it back,
and the shapes other office programs write (a namespace prefix, rich text with phonetic guides,
skipped cells, rows without numbers); a broken workbook is refused in words."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from district.errors import Invalid
from district.registry.sheet import number_text
from district.registry.xlsx import read_xlsx

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
CELL = st.one_of(st.none(), TEXT, st.booleans(), st.integers(-10**14, 10**14),
                 st.floats(allow_nan=False, allow_infinity=False, width=32),
                 st.integers(10**15, 10**18))


def written(rows: list[list[object]], write_only: bool) -> bytes:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("名册") if write_only else book.active
    assert sheet is not None
    if not write_only:
        sheet.title = "名册"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return number_text(float(value))
    return str(value)


def openpyxl_rows(data: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [[as_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def trimmed(rows: list[list[str]]) -> list[list[str]]:
    out = []
    for row in rows:
        while row and not row[-1]:
            row = row[:-1]
        out.append(row)
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=8), st.booleans())
def test_a_workbook_reads_as_openpyxl_reads_it(rows: list[list[object]],
                                               write_only: bool) -> None:
    data = written(rows, write_only)
    title, ours = read_xlsx(data, number_text)
    assert title == "名册"
    theirs = openpyxl_rows(data)
    assert trimmed([cells for _line, cells in ours]) == trimmed(theirs)[:len(ours)]
    assert all(not any(row) for row in trimmed(theirs)[len(ours):])


SHARED = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          '<si><t>会员编号</t></si>'
          '<si><r><t>顾</t></r><r><rPr><b/></rPr><t>志强</t></r>'
          '<rPh sb="0" eb="1"><t>gu</t></rPh></si></sst>')
SHEET = ('<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         '<x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row>'
         '<x:row r="3"><x:c r="B3" t="s"><x:v>1</x:v></x:c><x:c r="D3"><x:v>20140001</x:v>'
         '</x:c><x:c r="E3" t="b"><x:v>1</x:v></x:c><x:c r="F3" t="str"><x:v>木渎</x:v></x:c>'
         '</x:row><x:row><x:c t="inlineStr"><x:is><x:t>后面一行</x:t></x:is></x:c></x:row>'
         '</x:sheetData></x:worksheet>')
BOOK = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r='
        '"http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="会员" sheetId="1" r:id="rId7"/></sheets></workbook>')
RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId7" Target="worksheets/data.xml" Type="worksheet"/>'
        '</Relationships>')


def package(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        for name, text in parts.items():
            book.writestr(name, text)
    return out.getvalue()


def test_a_prefixed_sheet_with_rich_text_and_skipped_cells_reads_as_excel_shows_it() -> None:
    data = package({"xl/workbook.xml": BOOK, "xl/_rels/workbook.xml.rels": RELS,
                    "xl/sharedStrings.xml": SHARED, "xl/worksheets/data.xml": SHEET})
    assert read_xlsx(data, number_text) == ("会员", [
        (1, ["会员编号"]), (3, ["", "顾志强", "", "20140001", "TRUE", "木渎"]), (4, ["后面一行"])])


@pytest.mark.parametrize("broken", [
    {"xl/workbook.xml": BOOK},
    {"xl/workbook.xml": BOOK, "xl/_rels/workbook.xml.rels": RELS,
     "xl/worksheets/data.xml": SHEET[:200]},
    {"xl/workbook.xml": "<workbook", "xl/_rels/workbook.xml.rels": RELS},
])
def test_a_broken_workbook_is_refused_in_words(broken: dict[str, str]) -> None:
    with pytest.raises(Invalid, match="无法读取这个 Excel 文件"):
        read_xlsx(package(broken), number_text)
