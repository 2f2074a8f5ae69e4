"""Back up and restore a district of 120,000 members, against reading every row once.

    .venv/bin/python bench/district_backup.py [--rows 120000] [--db sqlite|postgresql|both]

`backup` takes the consistent snapshot (SQLite: the online backup API into memory; PostgreSQL:
one REPEATABLE READ, read-only transaction), encodes and seals it (scrypt + AES-GCM) and writes
the file; `restore` decrypts it and puts every row back in one transaction, over the database.
The baseline reads every table's rows once, plainly, on the same database — the least any
backup must do.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from district_common import add_backend_options, backends, fresh_district, member_rows
from district_import import csv_file

from district.backup.files import restore_backup, write_backup
from district.backup.snapshot import read_tables, revision_of, schema_of
from district.registry.importer import import_members
from district.service import District

PASSPHRASE = "bench passphrase"


def baseline(district: District) -> tuple[float, int]:
    start = time.perf_counter()
    with district.engine.connect() as connection:
        tables = read_tables(connection, schema_of(connection, revision_of(connection)))
    return time.perf_counter() - start, sum(len(t.rows) for t in tables.values())


def run(backend: str, rows: list[list[str]], pg_url: str) -> None:
    with fresh_district(backend, pg_url) as district, tempfile.TemporaryDirectory() as tmp:
        with district.sessions.begin() as session:
            import_members(session, csv_file(rows), "bench", 1_795_000_000)
        plain, count = baseline(district)
        out = Path(tmp) / "district.upbak"
        start = time.perf_counter()
        written = write_backup(district.engine, out, PASSPHRASE, 1_795_000_000)
        backup = time.perf_counter() - start
        start = time.perf_counter()
        restore_backup(district.engine, out, PASSPHRASE, 1_795_000_100)
        restore = time.perf_counter() - start
    print(f"[{backend}] {count:,} rows in {written.tables} tables; "
          f"file {written.size / 1e6:.1f} MB")
    print(f"  baseline, read every row:  {plain:6.2f} s")
    print(f"  backup (snapshot + seal):  {backup:6.2f} s  {backup / plain:.1f}× baseline")
    print(f"  restore over the database: {restore:6.2f} s  {restore / plain:.1f}× baseline")


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
