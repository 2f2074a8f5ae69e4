"""A consistent snapshot of every table of the district's database, as plain rows.

SQLite: the online backup API copies the database into memory in one step, under one read
transaction (in WAL mode writers carry on meanwhile); the rows are read from that copy.
PostgreSQL: every table is read in one REPEATABLE READ, READ ONLY transaction — the snapshot
pg_dump takes too — so each committed transaction is in it whole or not at all: a pushed change
with its sale and its log entry, the log with its counter row, a signed list with its head.
pg_dump itself is not used: it must be installed beside the district and match the server's
major version, and its output restores only into PostgreSQL; these rows restore into either.

The rows travel as JSON (bytes as `{"b64": …}`), compressed; `alembic_version` is not a table
of the snapshot but its `revision`.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, create_engine, inspect, select, text
from sqlalchemy.pool import StaticPool

from district.errors import Invalid

FORMAT = 1
VERSION_TABLE = "alembic_version"
Row = list[Any]


@dataclass(frozen=True)
class TableRows:
    columns: tuple[str, ...]
    rows: list[Row]


@dataclass(frozen=True)
class Snapshot:
    """Every table's rows at one moment, and the schema revision they belong to."""

    revision: str
    dialect: str
    taken_at: int
    tables: dict[str, TableRows]

    @property
    def row_count(self) -> int:
        return sum(len(t.rows) for t in self.tables.values())


_SCHEMAS: dict[tuple[str, str], MetaData] = {}


def revision_of(connection: Connection) -> str | None:
    """The database's schema revision (None when it has none: empty, or not ours)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    found = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    return None if found is None else str(found)


def schema_of(connection: Connection, revision: str | None) -> MetaData:
    """The database's tables, reflected — once per revision and dialect: the migrations make
    the schema of a revision, always the same (a database without one is reflected each time)."""
    if revision is None:
        return _reflect(connection)
    key = (connection.dialect.name, revision)
    if key not in _SCHEMAS:
        _SCHEMAS[key] = _reflect(connection)
    return _SCHEMAS[key]


def _reflect(connection: Connection) -> MetaData:
    meta = MetaData()
    meta.reflect(connection)
    return meta


def take(engine: Engine, now: int) -> Snapshot:
    """Read every table in one consistent snapshot, while others go on writing."""
    with _snapshot_connection(engine) as connection:
        revision = revision_of(connection)
        if revision is None:
            raise Invalid("数据库还没有建好，没有可备份的内容",
                          "the database has no schema yet: there is nothing to back up")
        tables = read_tables(connection, schema_of(connection, revision))
    return Snapshot(revision, engine.dialect.name, now, tables)


def read_tables(connection: Connection, meta: MetaData) -> dict[str, TableRows]:
    """Every table but Alembic's, its rows in primary-key order."""
    tables: dict[str, TableRows] = {}
    for table in meta.sorted_tables:
        if table.name == VERSION_TABLE:
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        rows = connection.execute(select(table).order_by(*order))
        tables[table.name] = TableRows(tuple(table.columns.keys()), [list(r) for r in rows])
    return tables


@contextmanager
def _snapshot_connection(engine: Engine) -> Iterator[Connection]:
    if engine.dialect.name == "sqlite":
        with _sqlite_copy(engine) as copy, copy.connect() as connection:
            yield connection
        return
    snapshot = engine.connect().execution_options(isolation_level="REPEATABLE READ",
                                                  postgresql_readonly=True)
    with snapshot as connection, connection.begin():
        yield connection


@contextmanager
def _sqlite_copy(engine: Engine) -> Iterator[Engine]:
    """The database copied into memory by SQLite's online backup API (one step: a consistent
    copy even while the server writes)."""
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    source = sqlite3.connect(str(engine.url.database), timeout=60)
    try:
        source.backup(copy)
    finally:
        source.close()
    memory = create_engine("sqlite://", creator=lambda: copy, poolclass=StaticPool)
    try:
        yield memory
    finally:
        memory.dispose()
        copy.close()


def encode(snapshot: Snapshot) -> bytes:
    """The snapshot as compressed JSON."""
    body = {"format": FORMAT, "revision": snapshot.revision, "dialect": snapshot.dialect,
            "taken_at": snapshot.taken_at,
            "tables": {name: {"columns": list(t.columns), "rows": [[_out(v) for v in row]
                                                                   for row in t.rows]}
                       for name, t in snapshot.tables.items()}}
    return zlib.compress(json.dumps(body, ensure_ascii=False, separators=(",", ":"))
                         .encode("utf-8"), 6)


def decode(data: bytes) -> Snapshot:
    """The snapshot `encode` made; `Invalid` for anything else."""
    try:
        body = json.loads(zlib.decompress(data).decode("utf-8"))
        if body["format"] != FORMAT:
            raise ValueError(f"format {body['format']}")
        tables = {str(name): TableRows(tuple(str(c) for c in t["columns"]),
                                       [[_in(v) for v in row] for row in t["rows"]])
                  for name, t in body["tables"].items()}
        return Snapshot(str(body["revision"]), str(body["dialect"]), int(body["taken_at"]),
                        tables)
    except (zlib.error, UnicodeDecodeError, ValueError, KeyError, TypeError,
            AttributeError) as exc:
        raise Invalid("备份文件的内容无法读取", f"the backup's content cannot be read: {exc}") \
            from exc


def _out(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return {"b64": base64.b64encode(bytes(value)).decode("ascii")}
    if value is None or isinstance(value, bool | int | str):
        return value
    raise TypeError(f"a column value of type {type(value).__name__} has no backup encoding")


def _in(value: Any) -> Any:
    if isinstance(value, dict):
        return base64.b64decode(value["b64"], validate=True)
    if value is None or isinstance(value, bool | int | str):
        return value
    raise ValueError(f"a value of type {type(value).__name__} in a row")
