"""The district server's database, settings and ASGI app skeleton, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import sqlite3
import stat
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI
from sqlalchemy import inspect, text

import district.cadres.tables
import district.feed.tables
import district.phones.tables
import district.registry.tables
import district.staff.tables
import district.sync.tables
import district.windows.tables  # noqa: F401  (these modules' tables join Base.metadata)
from app.device_proof import sign_activation
from app.keys import KeyPair
from district import db
from district.errors import NotFound
from district.service import District
from district.settings import Settings
from district.tables import Base
from district.web import create_app
from tests.api_support import at_once

ROOT = Path(__file__).resolve().parent.parent


def get(app: FastAPI, *paths: str) -> list[httpx.Response]:
    """GET each path through the ASGI app (httpx's ASGI transport, no sockets)."""

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://district") as client:
            return [await client.get(path) for path in paths]

    return asyncio.run(run())


@asynccontextmanager
async def started(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app between its start-up, which unlocks the keys, and its shutdown, as
    `serve` runs it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://district") as client:
            yield client


def test_migrations_build_the_whole_schema_from_an_empty_database(db_url: str) -> None:
    engine = db.make_engine(db_url)
    assert not db.is_migrated(engine)
    db.migrate(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert set(inspect(engine).get_table_names()) >= {"members", "cards", "audit_log"}
    assert version == db.HEAD
    db.migrate(engine)  # a second run is a no-op
    engine.dispose()


def test_sqlite_runs_in_wal_mode_with_full_sync_and_foreign_keys(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    with engine.connect() as connection:
        pragmas = [connection.exec_driver_sql(f"PRAGMA {p}").scalar()
                   for p in ("journal_mode", "synchronous", "foreign_keys")]
    engine.dispose()
    assert pragmas == ["wal", 2, 1]
    assert sqlite3.connect(tmp_path / "d.db").execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_reader_answers_while_a_writer_holds_the_sqlite_write_lock(tmp_path: Path) -> None:
    """A console page checks who is signed in while a long import writes: it must not wait
    (a writer's BEGIN IMMEDIATE would, for the whole import)."""
    district = District.open(Settings(tmp_path, f"sqlite:///{tmp_path / 'd.db'}", "pass"))
    try:
        with district.sessions.begin() as writer:
            writer.execute(text("CREATE TABLE held (x INTEGER)"))
            writer.execute(text("INSERT INTO held VALUES (1)"))
            other = sqlite3.connect(tmp_path / "d.db", timeout=0, isolation_level=None)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")  # what every other session would wait for
            other.close()
            with district.readers() as reader:
                assert reader.execute(text("SELECT count(*) FROM members")).scalar() == 0
    finally:
        district.close()


def test_the_sqlite_database_and_its_wal_and_shm_are_readable_by_the_owner_only(
        tmp_path: Path) -> None:
    umask = os.umask(0o022)  # the usual one: SQLite alone would make them 0644
    try:
        engine = db.make_engine(f"sqlite:///{tmp_path / 'data' / 'district.db'}")
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x)")
            files = {p.name: stat.S_IMODE(p.stat().st_mode)
                     for p in [tmp_path / "data", *(tmp_path / "data").iterdir()]}
        engine.dispose()
    finally:
        os.umask(umask)
    assert files == {"data": 0o700, "district.db": 0o600, "district.db-wal": 0o600,
                     "district.db-shm": 0o600}


def test_a_data_directory_left_readable_is_made_private_at_start_up_with_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = tmp_path / "data"
    settings = Settings(data, f"sqlite:///{data / 'district.db'}", "x")
    District.open(settings).close()
    (data / "demo.txt").write_text("activation codes")
    for path, mode in ((data, 0o755), (data / "district.db", 0o644), (data / "demo.txt", 0o644)):
        path.chmod(mode)
    with caplog.at_level(logging.WARNING):
        District.open(settings).close()
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in [data, *data.iterdir()]} == {
        "data": 0o700, "district.db": 0o600, "demo.txt": 0o600}
    assert "仅本人可读写" in caplog.text and str(data / "district.db") in caplog.text


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    env = {"UNIONPASS_DATA_DIR": str(tmp_path), "UNIONPASS_KEY_PASSPHRASE": "s3cret"}
    settings = Settings.from_env(env=env)
    assert settings.database_url == f"sqlite:///{tmp_path / 'district.db'}"
    assert settings.passphrase == "s3cret"
    pg = Settings.from_env(tmp_path, {"DATABASE_URL": "postgresql+psycopg://h/db"})
    assert (pg.database_url, pg.is_sqlite, pg.passphrase) == ("postgresql+psycopg://h/db", False,
                                                              None)


def test_importing_the_server_touches_nothing(tmp_path: Path) -> None:
    data = tmp_path / "never"
    code = "import district.web, district.cli, district.service"
    env = {"UNIONPASS_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)
    assert not data.exists()


def test_the_app_answers_health_openapi_and_domain_errors_in_two_languages(
        district: District) -> None:
    app = create_app(district.settings)

    def missing() -> None:
        raise NotFound("没有这个会员号：X1", "no member with number X1")

    app.add_api_route("/missing", missing)

    async def run() -> list[httpx.Response]:
        async with started(app) as client:
            return [await client.get(path) for path in ("/healthz", "/openapi.json", "/missing")]

    health, openapi, answer = asyncio.run(run())
    assert (health.status_code, health.json()) == (200, {"status": "ok", "database": "ok",
                                                         "keys": "ok"})
    assert "/healthz" in openapi.json()["paths"]
    assert answer.status_code == 404
    assert answer.json() == {"error": "not_found", "message": "没有这个会员号：X1",
                             "message_en": "no member with number X1"}


def test_health_reports_an_unreachable_database_as_503(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    [answer] = get(create_app(Settings(tmp_path, url, "x")), "/healthz")
    assert answer.status_code == 503
    assert answer.json()["status"] == "unavailable"


def test_health_reports_locked_keys_as_503_like_activation(district: District) -> None:
    app = create_app(replace(district.settings, passphrase="not the passphrase"))
    key = KeyPair.generate()
    activate = {"member_no": "WZ1", "code": "ABCD-EFGH", "device_name": "phone",
                "public_key": base64.b64encode(key.public_raw).decode(),
                "signature": base64.b64encode(sign_activation(key, "WZ1", "ABCD-EFGH")).decode()}

    async def run() -> tuple[httpx.Response, httpx.Response]:
        async with started(app) as client:
            return await client.get("/healthz"), await client.post("/api/v1/activate",
                                                                   json=activate)

    health, answer = asyncio.run(run())
    assert (health.status_code, health.json()) == (503, {"status": "unavailable",
                                                         "database": "ok", "keys": "locked"})
    assert (answer.status_code, answer.json()["error"]) == (503, "keys_locked")


def test_the_head_constant_names_the_newest_migration() -> None:
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(db.alembic_config()).get_current_head() == db.HEAD


OLD_LOG = [(1, "public", "list", "status", 1), (2, "member:1", "card", "7", 2),
           (3, "public", "list", "status", 3), (4, "member:1", "card", "7", 4),
           (5, "public", "list", "trust", 5), (6, "public", "list", "status", 6)]


def test_upgrading_keeps_only_the_newest_logged_entry_of_each_record(db_url: str) -> None:
    engine = db.make_engine(db_url)
    db.migrate(engine, "0004")
    with engine.begin() as connection:
        for cursor, scope, entity, record_id, version in OLD_LOG:
            connection.execute(text(
                "INSERT INTO sync_log (cursor, scope, entity, record_id, op, version) "
                "VALUES (:c, :s, :e, :r, 'upsert', :v)"),
                {"c": cursor, "s": scope, "e": entity, "r": record_id, "v": version})
    db.migrate(engine)
    with engine.connect() as connection:
        kept = connection.execute(text(
            "SELECT cursor, entity, record_id FROM sync_log ORDER BY cursor")).all()
    assert [tuple(row) for row in kept] == [(4, "card", "7"), (5, "list", "trust"),
                                            (6, "list", "status")]
    engine.dispose()


BROKEN_DEVICES = [("older", 1, b"a", 10), ("newer", 1, b"b", 20), ("copied", 2, b"b", 30),
                  ("fine", 2, b"c", 5)]  # (id, member id, key, created_at): all working


def test_upgrading_leaves_one_working_phone_per_person_and_per_key(db_url: str) -> None:
    engine = db.make_engine(db_url)
    db.migrate(engine, "0006")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO towns VALUES ('WZ-MD', '木渎镇', 'town', 1, 1, 9, 1)"))
        connection.execute(text("INSERT INTO unions (id, town_id, name) VALUES (1, 'WZ-MD', 'u')"))
        for member_id in (1, 2):
            connection.execute(text(
                "INSERT INTO members (id, member_no, name, id_last4, town_id, union_id, titles, "
                "status, updated_at) VALUES (:i, :n, 'x', '0001', 'WZ-MD', 1, '', 'active', 0)"),
                {"i": member_id, "n": f"WZ{member_id}"})
        for device_id, member_id, key, created in BROKEN_DEVICES:
            connection.execute(text(
                "INSERT INTO devices (id, member_id, role, name, token_hash, public_key, "
                "created_at) VALUES (:d, :m, 'member', 'p', :t, :k, :c)"),
                {"d": device_id, "m": member_id, "t": device_id.encode().ljust(32, b"."),
                 "k": key * 32, "c": created})
    db.migrate(engine)
    with engine.connect() as connection:
        working = connection.execute(text(
            "SELECT id FROM devices WHERE revoked_at IS NULL ORDER BY id")).scalars().all()
    engine.dispose()
    assert working == ["fine", "newer"]


def test_a_deadlock_victim_is_run_again_instead_of_failing(pg_schema_url: str) -> None:
    engine = db.make_engine(pg_schema_url)
    db.migrate(engine)
    sessions = db.sessions(engine)
    with sessions.begin() as session:
        db.lock_attempts(session, ["a", "b"], 0)
    meet = threading.Barrier(2)
    runs: Counter[str] = Counter()

    def crossing(first: str, second: str) -> str:
        """Lock `first`, wait for the other thread to lock its own, then lock `second`."""
        runs[first] += 1
        with sessions.begin() as session:
            db.lock_attempts(session, [first], 1)
            if runs[first] == 1:
                meet.wait(timeout=30)
            db.lock_attempts(session, [second], 1)
        return first

    done = at_once([lambda: db.retried(lambda: crossing("a", "b")),
                    lambda: db.retried(lambda: crossing("b", "a"))])
    engine.dispose()
    assert done == ["a", "b"] and sum(runs.values()) == 3  # PostgreSQL picked one victim
