"""Rows of a snapshot into the database, on the caller's connection and transaction: every table
emptied (after building the snapshot's schema if the database has another; on PostgreSQL with
one TRUNCATE, since a DELETE checks every row's references — 10 s for 120,000 members), the
rows inserted in dependency order, PostgreSQL's id sequences moved past
them and past every id handed out before (so an id the replaced database gave out is not given
again)."""

from __future__ import annotations

from sqlalchemy import Connection, MetaData, Table, insert, text

from district import db
from district.backup.snapshot import VERSION_TABLE, Snapshot, revision_of, schema_of
from district.errors import Invalid

CHUNK = 5000  # rows to one executemany


def empty(connection: Connection, meta: MetaData, revision: str) -> MetaData:
    """Every table emptied; returns the schema now. When the database (whose tables are `meta`)
    is not at the snapshot's revision, every table is dropped and the schema built again up to
    that revision first (the rows its migrations seed are emptied too: the snapshot has them)."""
    if revision_of(connection) != revision:
        meta.drop_all(connection)
        db.upgrade(connection, revision)
        meta = schema_of(connection, revision)
    tables = [t for t in reversed(meta.sorted_tables) if t.name != VERSION_TABLE]
    if connection.dialect.name == "postgresql":  # DELETE would check each row's references
        connection.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables)))
    else:  # SQLite, foreign keys off: DELETE without WHERE drops the pages at once
        for table in tables:
            connection.execute(table.delete())
    return meta


def insert_rows(connection: Connection, meta: MetaData, snapshot: Snapshot) -> None:
    unknown = sorted(set(snapshot.tables) - set(meta.tables))
    if unknown:
        raise Invalid("备份里有数据库没有的表",
                      f"the backup has tables the schema lacks: {unknown}")
    for table in meta.sorted_tables:
        rows = snapshot.tables.get(table.name)
        if rows is None or not rows.rows:
            continue
        _check_columns(table, rows.columns)
        for start in range(0, len(rows.rows), CHUNK):
            connection.execute(insert(table), [dict(zip(rows.columns, row, strict=True))
                                               for row in rows.rows[start:start + CHUNK]])


def _check_columns(table: Table, columns: tuple[str, ...]) -> None:
    missing = sorted(set(columns) - set(table.columns.keys()))
    if missing:
        raise Invalid(f"备份与数据库结构不符：{table.name}",
                      f"the backup's {table.name} has columns the schema lacks: {missing}")


def sequences_past_rows(connection: Connection, meta: MetaData) -> None:
    """PostgreSQL hands out ids from sequences, which inserting given ids does not move: each
    goes past the highest id restored, and stays past what it had handed out already."""
    if connection.dialect.name != "postgresql":
        return
    for table in meta.sorted_tables:
        for column in table.primary_key.columns:
            sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                          {"t": table.name, "c": column.name}).scalar()
            if sequence is not None:
                connection.execute(text(
                    f'SELECT setval(:s, GREATEST(nextval(:s), (SELECT COALESCE(MAX("{column.name}"'
                    f'), 0) + 1 FROM "{table.name}")), false)'), {"s": sequence})
