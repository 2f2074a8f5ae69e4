"""Putting a snapshot back: in one transaction, so a failure changes nothing.

The tables are emptied (or, for a snapshot of an older schema, dropped and built again by the
migrations up to its revision), its rows inserted, PostgreSQL's id sequences moved past them,
and the schema migrated to the newest revision. Then, in the same transaction, what a restore
takes back and devices must not trust any more is renewed:

- the sync **generation** (`district.feed.changelog`): every device notices it, pulls from the
  start and sends again what it had sent since the backup;
- the trust and status lists are signed again with a version above any the district can have
  signed before (the restore's Unix time), or the devices — which keep only newer lists —
  would ignore every revocation until the counter caught up again. Signing them also proves
  the passphrase opens the restored keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, MetaData, Table, insert, select, text
from sqlalchemy.orm import Session

from district import db
from district.backup.snapshot import VERSION_TABLE, Snapshot
from district.cards import keyring, lists
from district.cards.keyring import KeyRing
from district.cards.vault import Vault
from district.errors import Invalid
from district.feed import changelog
from district.tables import ListHead

CHUNK = 2000


@dataclass(frozen=True)
class Restored:
    revision: str  # the snapshot's schema revision (the database is now at the newest)
    taken_at: int
    rows: int
    generation: str
    list_versions: tuple[int, int] | None  # trust, status (None: the district had no keys)


def restore(engine: Engine, snapshot: Snapshot, passphrase: str, now: int) -> Restored:
    """Replace everything in the database with the snapshot, in one transaction."""
    history = db.revisions()
    if snapshot.revision not in history:
        raise Invalid(f"备份的数据库版本 {snapshot.revision} 比本程序新或不认识："
                      "请用更新的程序恢复",
                      f"the backup's schema revision {snapshot.revision} is newer than this "
                      "program's or unknown: restore it with a newer version")
    with engine.connect() as connection, db.foreign_keys_off(connection), connection.begin():
        _empty(connection, snapshot.revision)
        _insert(connection, snapshot)
        if connection.dialect.name == "postgresql":
            _sequences_past_rows(connection)
        if snapshot.revision != history[-1]:
            db.upgrade(connection, "head")
        generation, versions = _renew(connection, passphrase, now)
        db.check_foreign_keys(connection)
    return Restored(snapshot.revision, snapshot.taken_at, snapshot.row_count, generation,
                    versions)


def _reflected(connection: Connection) -> MetaData:
    meta = MetaData()
    meta.reflect(connection)
    return meta


def _empty(connection: Connection, revision: str) -> None:
    """Every table emptied. When the schema is not the snapshot's, every table is dropped and
    the schema built again up to the snapshot's revision first (the rows its migrations seed
    are emptied too: the snapshot has them)."""
    meta = _reflected(connection)
    current = None
    if VERSION_TABLE in meta.tables:
        current = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    if current != revision:
        meta.drop_all(connection)
        db.upgrade(connection, revision)
        meta = _reflected(connection)
    for table in reversed(meta.sorted_tables):
        if table.name != VERSION_TABLE:
            connection.execute(table.delete())


def _insert(connection: Connection, snapshot: Snapshot) -> None:
    meta = _reflected(connection)
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
            chunk = rows.rows[start:start + CHUNK]
            connection.execute(insert(table), [dict(zip(rows.columns, row, strict=True))
                                               for row in chunk])


def _check_columns(table: Table, columns: tuple[str, ...]) -> None:
    missing = sorted(set(columns) - set(table.columns.keys()))
    if missing:
        raise Invalid(f"备份与数据库结构不符：{table.name}",
                      f"the backup's {table.name} has columns the schema lacks: {missing}")


def _sequences_past_rows(connection: Connection) -> None:
    """PostgreSQL hands out ids from sequences, which inserting given ids does not move."""
    for table in _reflected(connection).sorted_tables:
        for column in table.primary_key.columns:
            sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                          {"t": table.name, "c": column.name}).scalar()
            if sequence is not None:
                connection.execute(text(
                    f'SELECT setval(:s, (SELECT COALESCE(MAX("{column.name}"), 0) + 1 '
                    f'FROM "{table.name}"), false)'), {"s": sequence})


def _renew(connection: Connection, passphrase: str, now: int) -> tuple[str, tuple[int, int] | None]:
    """A new generation, and the lists signed again above every earlier version."""
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        generation = changelog.new_generation(session)
        versions = None
        if keyring.is_initialized(session):
            keys = KeyRing(Vault.unlock(passphrase, keyring.vault_salt(session)))
            for head in session.scalars(select(ListHead)):
                head.version = max(head.version, now)
            trust = lists.sign_trust(session, keys, now)
            versions = (trust.version, lists.sign_status(session, keys, now).version)
        changelog.flush_pending(session)
        session.commit()  # the savepoint; the restore's transaction commits after it
    return generation, versions
