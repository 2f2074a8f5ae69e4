"""Fixtures for the district server's tests: every database test runs on SQLite and PostgreSQL.

PostgreSQL is the server at UNIONPASS_TEST_PG_URL (default 127.0.0.1:5432, database `test`);
each test gets a fresh schema, dropped afterwards. When the server cannot be reached the
PostgreSQL cases are skipped with the reason, which `-ra` shows in the summary.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from district.service import District
from district.settings import Settings

PG_URL = os.environ.get("UNIONPASS_TEST_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSPHRASE = "correct horse battery staple"
NOW = 1_795_000_000


def _conninfo() -> str:
    return PG_URL.replace("postgresql+psycopg://", "postgresql://", 1)


@functools.cache
def pg_unreachable() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    try:
        with psycopg.connect(_conninfo(), connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL unreachable at {_conninfo()}: {str(exc).strip().splitlines()[0]}"


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    reason = pg_unreachable()
    if reason is not None:
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_URL}?options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(_conninfo(), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'district.db'}"
    url: str = request.getfixturevalue("pg_schema_url")
    return url


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(tmp_path / "data", db_url, PASSPHRASE)


@pytest.fixture
def district(settings: Settings) -> Iterator[District]:
    """An initialized district (root key, 16 town issuers, signed lists) at NOW."""
    d = District.open(settings)
    d.initialize("test", NOW)
    yield d
    d.close()


def csv_bytes(*rows: str, header: str = "member_no,name,id_last4,town_id,union_name,titles,status",
              encoding: str = "utf-8") -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode(encoding)
