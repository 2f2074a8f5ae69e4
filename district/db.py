"""Engines, sessions and migrations. SQLite by default (WAL, synchronous=FULL), or PostgreSQL."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from district.errors import DistrictError
from district.feed import changelog

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0007"  # the newest revision in migrations/versions (a test keeps them in step)


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # Python's sqlite3 driver begins transactions itself, only before a write, and its
    # SAVEPOINTs then commit on RELEASE: a batch would not be atomic. Take that over.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                   "busy_timeout=60000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """Every transaction is one SQLite transaction, savepoints included. IMMEDIATE takes the
    write lock at the start (waiting up to busy_timeout), so a transaction that reads and then
    writes never fails on a snapshot another writer has moved past."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for `url`; creates nothing and connects lazily."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def sessions(engine: Engine) -> sessionmaker[Session]:
    """The session factory; its commits also write the staged change-log entries."""
    factory = sessionmaker(engine, expire_on_commit=False)
    changelog.install(factory)
    return factory


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
