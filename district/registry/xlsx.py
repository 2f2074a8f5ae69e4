"""Reading an Excel .xlsx workbook's first worksheet as rows of text, streamed with the
standard library's expat parser (pure Python, no dependency).

It reads what a registry needs: shared strings (rich text joined, phonetic guides left out),
inline strings, numbers, booleans, errors and formula results, in any namespace prefix; the
cells of a row by their column reference (a skipped cell is an empty one). Formats are not
applied: a number is a number (a date column shows Excel's day count; the registry's columns
are text). openpyxl's read-only mode reads the same cells 3–6 times slower (bench/README.md).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from typing import IO
from xml.parsers import expat

from district.errors import Invalid

MAIN = "xl/workbook.xml"
MAX_UNPACKED = 512 * 1024 * 1024  # a registry of 120,000 rows unpacks to ~60 MB
CELL_REF = re.compile(r"([A-Z]+)")
Row = tuple[int, list[str]]
Number = Callable[[float], str]


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _parse(stream: IO[bytes], start: Callable[[str, dict[str, str]], None],
           end: Callable[[str], None], text: Callable[[str], None]) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = lambda name, attrs: start(_local(name), attrs)
    parser.EndElementHandler = lambda name: end(_local(name))
    parser.CharacterDataHandler = text
    try:
        parser.ParseFile(stream)
    except expat.ExpatError as exc:
        raise _unreadable() from exc


def _unreadable() -> Invalid:
    return Invalid("无法读取这个 Excel 文件：请在 Excel 中另存为 .xlsx 或 CSV 后再导入",
                   "this Excel file cannot be read: save it as .xlsx or CSV and retry")


def _column(reference: str) -> int:
    """The 0-based column of a reference such as "AB12"."""
    found = CELL_REF.match(reference)
    index = 0
    for letter in found.group(1) if found else "":
        index = index * 26 + ord(letter) - 64
    return index - 1


def _first_sheet(book: zipfile.ZipFile) -> tuple[str, str]:
    """The first worksheet's title and its part's path in the zip."""
    sheets: list[tuple[str, str]] = []
    targets: dict[str, str] = {}

    def on_sheet(name: str, attrs: dict[str, str]) -> None:
        if name == "sheet":
            rel = next((v for k, v in attrs.items() if _local(k) == "id"), "")
            sheets.append((attrs.get("name", ""), rel))

    def on_rel(name: str, attrs: dict[str, str]) -> None:
        if name == "Relationship":
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    with book.open(MAIN) as stream:
        _parse(stream, on_sheet, lambda _n: None, lambda _t: None)
    with book.open("xl/_rels/workbook.xml.rels") as stream:
        _parse(stream, on_rel, lambda _n: None, lambda _t: None)
    if not sheets or sheets[0][1] not in targets:
        raise _unreadable()
    title, rel = sheets[0]
    target = targets[rel]
    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
        posixpath.join("xl", target))
    return title, path


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    strings: list[str] = []
    parts: list[str] = []
    depth = {"t": 0, "rPh": 0}

    def start(name: str, _attrs: dict[str, str]) -> None:
        if name in depth:
            depth[name] += 1
        elif name == "si":
            parts.clear()

    def end(name: str) -> None:
        if name in depth:
            depth[name] -= 1
        elif name == "si":
            strings.append("".join(parts))

    def text(data: str) -> None:
        if depth["t"] and not depth["rPh"]:
            parts.append(data)

    if "xl/sharedStrings.xml" in book.namelist():
        with book.open("xl/sharedStrings.xml") as stream:
            _parse(stream, start, end, text)
    return strings


class _Cells:
    """The expat handlers of a worksheet: each row's cells, placed by their references.

    Element names are matched with the prefix the part uses (none, or e.g. "x:" as some
    generators write), found on its root element: one dictionary look-up per element."""

    TAGS = ("row", "c", "v", "t", "rPh")

    def __init__(self, shared: list[str], number: Number) -> None:
        self.shared, self.number = shared, number
        self.names: dict[str, str] = {}
        self.columns: dict[str, int] = {}
        self.rows: list[Row] = []
        self.cells: list[str] = []
        self.line = 0
        self.kind, self.column, self.inside, self.skip = "n", 0, 0, 0
        self.parts: list[str] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = self.names.get(name)
        if tag == "c":
            self.kind, self.parts = attrs.get("t", "n"), []
            reference = attrs.get("r")
            self.column = self._column(reference) if reference else len(self.cells)
        elif tag == "v" or tag == "t":
            self.inside += 1
        elif tag == "row":
            self.line = int(attrs.get("r") or self.line + 1)
            self.cells = []
        elif tag == "rPh":
            self.skip += 1
        elif not self.names:
            prefix = name[:-len("worksheet")] if name.endswith("worksheet") else ""
            self.names = {prefix + t: t for t in self.TAGS}

    def end(self, name: str) -> None:
        tag = self.names.get(name)
        if tag == "c":
            if self.column > len(self.cells):
                self.cells.extend([""] * (self.column - len(self.cells)))
            self.cells.append(self._value("".join(self.parts)))
        elif tag == "v" or tag == "t":
            self.inside -= 1
        elif tag == "row":
            self.rows.append((self.line, self.cells))
        elif tag == "rPh":
            self.skip -= 1

    def text(self, data: str) -> None:
        if self.inside and not self.skip:
            self.parts.append(data)

    def _column(self, reference: str) -> int:
        letters = reference.rstrip("0123456789")
        index = self.columns.get(letters)
        if index is None:
            index = self.columns[letters] = _column(letters)
        return index

    def _value(self, raw: str) -> str:
        kind = self.kind
        if kind == "s":
            return self.shared[int(raw)] if raw.isdigit() and int(raw) < len(self.shared) else ""
        if kind == "n" and raw:
            try:
                return self.number(float(raw))
            except ValueError:
                return raw
        if kind == "b":
            return "TRUE" if raw == "1" else "FALSE"
        return raw

    def parse(self, stream: IO[bytes]) -> None:
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        try:
            parser.ParseFile(stream)
        except expat.ExpatError as exc:
            raise _unreadable() from exc


def read_xlsx(data: bytes, number: Number) -> tuple[str, list[Row]]:
    """The first worksheet's title and its rows (row number, cells as text); `number` renders
    a numeric cell. An unreadable or oversized workbook is refused in words (Invalid)."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        if sum(info.file_size for info in book.infolist()) > MAX_UNPACKED:
            raise _unreadable()
        title, path = _first_sheet(book)
        cells = _Cells(_shared_strings(book), number)
        with book.open(path) as stream:
            cells.parse(stream)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _unreadable() from exc
    return title, cells.rows
