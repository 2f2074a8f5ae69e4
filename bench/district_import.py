"""Import 120,000 members from CSV, against a plain executemany insert of the same rows (SPEC §9).

    .venv/bin/python bench/district_import.py [--rows 120000] [--db sqlite|postgresql|both]

Target: ≤ 60 s for 120,000 rows. The import decodes, validates every row, creates the unions
and upserts the members in one transaction; the baseline inserts the same rows, unvalidated,
into an empty table with one executemany in the same database. Re-importing the unchanged file
is timed too (it must create nothing). The same rows as an office's .xlsx (Chinese headers,
town names, member numbers as numbers) are imported into a fresh district, and reading that
workbook alone is timed.
"""

from __future__ import annotations

import argparse
import csv
import io
import time

from district_common import add_backend_options, backends, fresh_district, member_rows
from openpyxl import Workbook
from sqlalchemy import func, select, text

from district.registry.importer import import_members
from district.registry.members_csv import COLUMNS
from district.registry.sheet import read_sheet
from district.registry.towns import WUZHONG_TOWNS
from district.service import District
from district.tables import Member

PLAIN = ("CREATE TABLE bench_plain (member_no VARCHAR(32), name VARCHAR(64), id_last4 VARCHAR(4),"
         " town_id VARCHAR(16), union_name VARCHAR(128), titles VARCHAR(255), status VARCHAR(16))")


def csv_file(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_file(rows: list[list[str]]) -> bytes:
    """The rows as an office's workbook: Chinese headers, town names, numbers as numbers."""
    names = {town_id: name for town_id, name, _kind in WUZHONG_TOWNS}
    book = Workbook(write_only=True)
    sheet = book.create_sheet("会员名册")
    sheet.append(["会员编号", "姓名", "身份证后四位", "镇/街道", "所属工会", "荣誉称号", "状态"])
    for no, name, last4, town, union, titles, status in rows:
        sheet.append([int(no[2:]), name, last4, names[town], union, titles, status])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def baseline(district: District, rows: list[list[str]]) -> float:
    params = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
    insert = text(f"INSERT INTO bench_plain ({', '.join(COLUMNS)}) "
                  f"VALUES ({', '.join(':' + c for c in COLUMNS)})")
    with district.engine.begin() as connection:
        connection.execute(text(PLAIN))
    start = time.perf_counter()
    with district.engine.begin() as connection:
        connection.execute(insert, params)
    return time.perf_counter() - start


def timed_import(district: District, data: bytes) -> tuple[float, str]:
    start, cpu = time.perf_counter(), time.process_time()
    with district.sessions.begin() as session:
        report = import_members(session, data, "bench", 1_795_000_000)
    seconds = time.perf_counter() - start
    return seconds, f"{report.created:,} new, {report.updated:,} updated, " \
                    f"{report.unchanged:,} unchanged; {time.process_time() - cpu:.2f} s CPU here"


def run(backend: str, rows: list[list[str]], pg_url: str) -> None:
    data = csv_file(rows)
    with fresh_district(backend, pg_url) as district:
        plain = baseline(district, rows)
        first, first_report = timed_import(district, data)
        again, again_report = timed_import(district, data)
        with district.sessions() as session:
            stored = session.scalar(select(func.count()).select_from(Member))
    n = len(rows)
    print(f"[{backend}] {n:,} rows, {len(data) / 1e6:.1f} MB CSV; {stored:,} members stored")
    print(f"  baseline executemany insert: {plain:6.2f} s  ({n / plain:9,.0f} rows/s)")
    print(f"  import (validate + upsert):  {first:6.2f} s  ({n / first:9,.0f} rows/s)  "
          f"{first / plain:.2f}× baseline  [{first_report}]  target ≤ 60 s")
    print(f"  re-import, same file:        {again:6.2f} s  ({n / again:9,.0f} rows/s)  "
          f"{again / plain:.2f}× baseline  [{again_report}]")
    workbook = xlsx_file(rows)
    start, cpu = time.perf_counter(), time.process_time()
    read_sheet(workbook)
    reading, reading_cpu = time.perf_counter() - start, time.process_time() - cpu
    with fresh_district(backend, pg_url) as district:
        xlsx, xlsx_report = timed_import(district, workbook)
    print(f"  .xlsx ({len(workbook) / 1e6:.1f} MB), reading alone: {reading:6.2f} s "
          f"({reading_cpu:.2f} s CPU)")
    print(f"  import .xlsx, fresh district:{xlsx:6.2f} s  ({n / xlsx:9,.0f} rows/s)  "
          f"{xlsx / plain:.2f}× baseline  [{xlsx_report}]  target ≤ 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=120_000)
    add_backend_options(parser)
    args = parser.parse_args()
    rows = member_rows(args.rows)
    for backend in backends(args.db):
        run(backend, rows, args.pg_url)


if __name__ == "__main__":
    main()
