"""A registry file as rows of text: CSV (UTF-8 with or without BOM, or GBK) or Excel .xlsx.

Cells come out as the office sees them in Excel: whole numbers without ".0", dates as
YYYY-MM-DD, and a number too long for Excel to hold exactly (an 18-digit ID typed into a number
cell) as Excel shows it, 3.20506E+17 — its last digits are lost, and the checks say so.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from district.errors import Invalid

ZIP = b"PK\x03\x04"
OLD_EXCEL = b"\xd0\xcf\x11\xe0"
EXACT_DIGITS = 10**15  # Excel keeps 15 significant digits
Rows = list[tuple[int, list[str]]]


@dataclass(frozen=True)
class Sheet:
    """The non-empty rows with their line (CSV) or row (Excel) numbers; `kind` is "csv" or
    "xlsx"; `title` the worksheet read (the first one)."""

    kind: str
    title: str
    rows: Rows


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not), else GBK (GB18030); anything else is refused in words."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV",
                  "cannot read the file's encoding: save it as CSV in UTF-8 or GBK")


def csv_rows(text: str) -> Rows:
    reader = csv.reader(io.StringIO(text, newline=""))
    return [(reader.line_num, cells) for cells in reader if any(c.strip() for c in cells)]


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if abs(value) >= EXACT_DIGITS:
            return f"{value:.6G}"
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def xlsx_sheet(data: bytes) -> Sheet:
    """The first worksheet, read row by row (openpyxl's read-only mode)."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise Invalid("无法读取这个 Excel 文件：请在 Excel 中另存为 .xlsx 或 CSV 后再导入",
                      "this Excel file cannot be read: save it as .xlsx or CSV and retry") from exc
    try:
        if not book.worksheets:
            return Sheet("xlsx", "", [])
        first = book.worksheets[0]
        rows: Rows = []
        for number, values in enumerate(first.iter_rows(values_only=True), 1):
            cells = [cell_text(v) for v in values]
            if any(c.strip() for c in cells):
                rows.append((number, cells))
        return Sheet("xlsx", first.title, rows)
    finally:
        book.close()


def read_sheet(data: bytes) -> Sheet:
    """An .xlsx file (a zip) or a CSV file; an old binary .xls is refused with what to do."""
    if data.startswith(OLD_EXCEL):
        raise Invalid("这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 或 CSV UTF-8 后再导入",
                      "this is an old .xls file: save it as .xlsx or CSV UTF-8 and retry")
    if data.startswith(ZIP):
        return xlsx_sheet(data)
    return Sheet("csv", "", csv_rows(decode(data)))
