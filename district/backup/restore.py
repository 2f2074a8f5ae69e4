"""Putting a snapshot back, in one transaction: a failure changes nothing.

The rows go back (`district.backup.load`) and the schema is migrated to the newest revision.
Then, in the same transaction, what a restore takes back and devices must not be misled by is
renewed:

- the sync **generation** (`district.feed.changelog`): every device notices it, pulls from the
  start and sends again what it had sent since the backup;
- the log's cursor counter, the lists' version counters and each town's next card serial do not
  go back: each stays at least where the replaced database had it (when there was one), so
  cursors, versions and serials handed out before are not handed out again — a card issued
  after the backup is still on its phone, and a second card with its serial would share its
  line in the status list;
- the trust and status lists are signed again with a version above any the district can have
  signed before — at least the restore's Unix time, for when the replaced database is lost —
  or the devices, which keep only newer lists, would ignore every revocation until the counter
  caught up. Signing them also proves that the restored keys open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, MetaData, select, text
from sqlalchemy.orm import Session

from district import db
from district.backup import load
from district.backup.snapshot import Snapshot, revision_of, schema_of
from district.cards import keyring, lists
from district.cards.keyring import KeyRing
from district.errors import Invalid
from district.feed import changelog
from district.feed.tables import SyncCounter
from district.tables import ListHead, Town

Unlock = Callable[[bytes], KeyRing]  # the restored vault's salt → the unlocked key ring
Marks = dict[tuple[str, str], int]  # ("list", kind), ("counter", name), ("serial", town) → value


@dataclass(frozen=True)
class Restored:
    revision: str  # the snapshot's schema revision (the database is now at the newest)
    taken_at: int
    rows: int
    generation: str
    list_versions: tuple[int, int] | None  # trust, status (None: the district had no keys)


def restore(engine: Engine, snapshot: Snapshot, unlock: Unlock, now: int) -> Restored:
    """Replace everything in the database with the snapshot, in one transaction."""
    history = db.revisions()
    if snapshot.revision not in history:
        raise Invalid(f"备份的数据库版本 {snapshot.revision} 比本程序新或不认识："
                      "请用更新的程序恢复",
                      f"the backup's schema revision {snapshot.revision} is newer than this "
                      "program's or unknown: restore it with a newer version")
    with engine.connect() as connection, db.foreign_keys_off(connection), connection.begin():
        meta = schema_of(connection, revision_of(connection))
        marks = _high_water(connection, meta)
        meta = load.empty(connection, meta, snapshot.revision)
        load.insert_rows(connection, meta, snapshot)
        load.sequences_past_rows(connection, meta)
        if snapshot.revision != history[-1]:
            db.upgrade(connection, "head")
        generation, versions = _renew(connection, unlock, marks, now)
        db.check_foreign_keys(connection)
    return Restored(snapshot.revision, snapshot.taken_at, snapshot.row_count, generation,
                    versions)


def _high_water(connection: Connection, meta: MetaData) -> Marks:
    """The counters of the database about to be replaced (none if it has no such tables)."""
    tables = meta.tables
    marks: Marks = {}
    if "list_heads" in tables:
        for kind, version in connection.execute(text("SELECT kind, version FROM list_heads")):
            marks["list", str(kind)] = int(version)
    if "sync_counter" in tables:
        for name, value in connection.execute(text("SELECT name, value FROM sync_counter")):
            marks["counter", str(name)] = int(value)
    if "towns" in tables:
        for town, serial in connection.execute(text("SELECT id, next_serial FROM towns")):
            marks["serial", str(town)] = int(serial)
    return marks


def _renew(connection: Connection, unlock: Unlock, marks: Marks,
           now: int) -> tuple[str, tuple[int, int] | None]:
    """A new generation, counters that do not go back, and the lists signed again."""
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        generation = changelog.new_generation(session)
        for counter in session.scalars(select(SyncCounter)):
            counter.value = max(counter.value, marks.get(("counter", counter.name), 0))
        for town in session.scalars(select(Town)):
            town.next_serial = max(town.next_serial, marks.get(("serial", town.id), 0))
        versions = None
        if keyring.is_initialized(session):
            keys = unlock(keyring.vault_salt(session))
            for head in session.scalars(select(ListHead)):
                head.version = max(head.version, marks.get(("list", head.kind), 0), now)
            trust = lists.sign_trust(session, keys, now)
            versions = (trust.version, lists.sign_status(session, keys, now).version)
        changelog.flush_pending(session)
        session.commit()  # the savepoint; the restore's transaction commits after it
    return generation, versions
