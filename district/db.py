"""Engines, sessions and migrations. SQLite by default (WAL, synchronous=FULL), or PostgreSQL.

The SQLite file is created 0600 in a 0700 folder (its -wal and -shm files take the database
file's mode), and `make_private` takes looser permissions back off at start-up.
"""

from __future__ import annotations

import contextlib
import functools
import os
import random
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, delete, event, inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from district.errors import DistrictError
from district.feed import changelog
from district.tables import AttemptLock

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0012"  # the newest revision in migrations/versions (a test keeps them in step)
OTHERS = 0o077  # the group's and everyone else's permission bits
RETRIED_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected
ATTEMPTS = 8
T = TypeVar("T")


class Busy(DistrictError):
    """The database kept choosing this request as a deadlock's victim: the client tries again."""

    status = 503
    code = "busy"


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # Python's sqlite3 driver begins transactions itself, only before a write, and its
    # SAVEPOINTs then commit on RELEASE: a batch would not be atomic. Take that over.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                   "busy_timeout=60000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


READ_ONLY = "unionpass_read_only"


def _sqlite_begin(connection: Connection) -> None:
    """Every transaction is one SQLite transaction, savepoints included. IMMEDIATE takes the
    write lock at the start (waiting up to busy_timeout), so a transaction that reads and then
    writes never fails on a snapshot another writer has moved past. A read-only session
    (`readers`) begins DEFERRED instead: a WAL snapshot that never waits for a writer."""
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for `url`; creates nothing and connects lazily."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:
            _create_private(path)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    path = url.split("///", 1)[-1] if url.startswith("sqlite") else ""
    return Path(path) if path and path != ":memory:" else None


def _create_private(path: Path) -> None:
    """An empty file is a new SQLite database: made here 0600 (with its folder 0700 if new),
    SQLite gives the -wal and -shm files it creates beside it the same mode. An existing file
    is never opened: closing any descriptor of it would drop the POSIX locks this process's
    SQLite connections hold on it (and another process could then delete a live WAL)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def sqlite_files(url: str) -> list[Path]:
    """The database file of a SQLite URL and the journals beside it."""
    path = sqlite_path(url)
    if path is None:
        return []
    return [path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))]


def make_private(paths: Iterable[Path]) -> list[Path]:
    """Take the group's and others' permissions off each path that exists (a folder given
    also gets them off the files directly in it); returns the paths that had any."""
    if os.name != "posix":
        return []
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += [path, *(p for p in path.iterdir() if p.is_file() and not p.is_symlink())]
        elif path.is_file():
            found.append(path)
    loose = [p for p in dict.fromkeys(found) if stat.S_IMODE(p.stat().st_mode) & OTHERS]
    for path in loose:
        os.chmod(path, stat.S_IMODE(path.stat().st_mode) & ~OTHERS)
    return loose


def sessions(engine: Engine) -> sessionmaker[Session]:
    """The session factory; its commits also write the staged change-log entries."""
    factory = sessionmaker(engine, expire_on_commit=False)
    changelog.install(factory)
    return factory


def readers(engine: Engine) -> sessionmaker[Session]:
    """Sessions that only read: on SQLite they neither take nor wait for the write lock (a
    page that checks who is signed in answers while a long import writes); for reads only."""
    return sessionmaker(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)


def lock_attempts(session: Session, keys: Sequence[str], now: int) -> None:
    """Lock one `attempt_locks` row per key until the transaction ends, making it if missing.

    An upsert (INSERT … ON CONFLICT DO UPDATE) locks the row whether it existed or not, so keys
    never seen before (an unknown member number, a new address) serialize too, on every server
    instance. Take the keys in one order everywhere — the person's (member number, user name)
    before the address's, and any member row after them — so that no two requests deadlock.
    On SQLite every transaction already holds the database's write lock (BEGIN IMMEDIATE).
    """
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else \
        sqlite.insert
    for key in keys:
        session.execute(insert(AttemptLock).values(key=key, touched_at=now).on_conflict_do_update(
            index_elements=[AttemptLock.key], set_={"touched_at": now}))


def prune_attempt_locks(session: Session, before: int) -> None:
    """Drop lock rows untouched since `before`, skipping any another request holds."""
    stale = select(AttemptLock.key).where(AttemptLock.touched_at < before).limit(500) \
        .with_for_update(skip_locked=True)
    session.execute(delete(AttemptLock).where(AttemptLock.key.in_(stale)))


def alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def current_revision(engine: Engine) -> str | None:
    if not is_migrated(engine):
        return None
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(version) if version is not None else None


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (Alembic, in one transaction).

    Alembic is imported only when there is something to do: most CLI runs find the schema current.
    """
    if revision == "head" and current_revision(engine) == HEAD:
        return
    try:
        with (engine.connect() as connection, foreign_keys_off(connection),
              connection.begin()):
            upgrade(connection, revision)
            check_foreign_keys(connection)
    except OperationalError as exc:
        raise DistrictError("无法连接数据库", f"cannot reach the database: {_first_line(exc)}") \
            from exc


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Run the migrations up to `revision` on `connection`, inside its transaction."""
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


@functools.cache
def revisions() -> tuple[str, ...]:
    """Every revision of the schema history, oldest first (read from the files once)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return tuple(r.revision for r in reversed(list(script.walk_revisions())))


@contextmanager
def foreign_keys_off(connection: Connection) -> Iterator[None]:
    """SQLite rebuilds a table to change a column (create, copy, drop, rename), which foreign
    keys pointing at that table would refuse: they are off while migrating (the pragma works
    only outside a transaction) and every reference is checked before the commit."""
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys = ON")


def check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise DistrictError("数据库迁移后有悬空的引用，已回滚",
                                f"the migration left dangling references: {broken[:5]}")


def is_migrated(engine: Engine) -> bool:
    try:
        return inspect(engine).has_table("alembic_version")
    except OperationalError as exc:
        raise DistrictError("无法连接数据库", f"cannot reach the database: {_first_line(exc)}") \
            from exc


def _first_line(exc: Any) -> str:
    return str(exc.orig if getattr(exc, "orig", None) else exc).splitlines()[0]


def lost_a_race(exc: DBAPIError) -> bool:
    """PostgreSQL gave up on the transaction to let another one through (a deadlock or a
    serialization failure): running it again is the documented answer."""
    return getattr(exc.orig, "sqlstate", None) in RETRIED_SQLSTATES


def retried(work: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    """Run `work` — a whole transaction it opens and commits — again (after a short random
    pause) when PostgreSQL chose it as the loser of a deadlock or serialization conflict, so a
    busy day never answers 500; `Busy` (503, the client retries) if it keeps losing. Any other
    error passes through."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as exc:
            if not lost_a_race(exc):
                raise
            if attempt < attempts:
                time.sleep(random.uniform(0, 0.02 * 2**attempt))
    raise Busy("服务器正忙，请稍后再试", "the server is busy: try again in a moment")
