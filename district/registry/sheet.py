"""A registry file as rows of text: CSV (UTF-8 with or without BOM, or GBK) or Excel .xlsx.

Number cells come out as the office sees them in Excel: whole numbers without ".0", and a number
too long for Excel to hold exactly (an 18-digit ID typed into a number cell) as Excel shows it,
3.20506E+17 — its last digits are lost, and the checks say so.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from district.errors import Invalid
from district.registry.xlsx import read_xlsx

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
    return [(reader.line_num, cells) for cells in reader if "".join(cells).strip()]


def number_text(value: float) -> str:
    """A number cell as Excel shows it: whole numbers without ".0"; one too long to be exact
    (an 18-digit ID typed into a number cell) as 3.20506E+17, its last digits lost."""
    if abs(value) >= EXACT_DIGITS:
        return f"{value:.6G}"
    return str(int(value)) if value.is_integer() else repr(value)


def read_sheet(data: bytes) -> Sheet:
    """An .xlsx file (a zip) or a CSV file; an old binary .xls is refused with what to do."""
    if data.startswith(OLD_EXCEL):
        raise Invalid("这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 或 CSV UTF-8 后再导入",
                      "this is an old .xls file: save it as .xlsx or CSV UTF-8 and retry")
    if data.startswith(ZIP):
        title, rows = read_xlsx(data, number_text)
        return Sheet("xlsx", title, [(n, cells) for n, cells in rows if "".join(cells).strip()])
    return Sheet("csv", "", csv_rows(decode(data)))
