"""Fixtures for the district server's tests: every database test runs on SQLite and PostgreSQL.

PostgreSQL is the server at UNIONPASS_TEST_PG_URL (default 127.0.0.1:5432, database `test`);
each test gets a fresh schema, dropped afterwards. When the server cannot be reached the
PostgreSQL cases are skipped with the reason, which `-ra` shows in the summary.
"""

from __future__ import annotations

import functools
import io
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from openpyxl import Workbook

from district.service import District
from district.settings import Settings
from tests.fakes import NOW

PG_URL = os.environ.get("UNIONPASS_TEST_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ROOT = Path(__file__).resolve().parent.parent
PASSPHRASE = "correct horse battery staple"


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


@pytest.fixture(scope="session", autouse=True)
def config_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """`init` writes the key passphrase under $XDG_CONFIG_HOME: in tests never the user's own
    (subprocesses inherit it)."""
    with pytest.MonkeyPatch.context() as patch:
        home = tmp_path_factory.mktemp("config-home")
        patch.setenv("XDG_CONFIG_HOME", str(home))
        for name in ("UNIONPASS_KEY_PASSPHRASE_FILE", "UNIONPASS_FORWARDED_ALLOW_IPS"):
            patch.delenv(name, raising=False)
        yield home


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


def xlsx_bytes(*rows: list[object], title: str = "会员名册") -> bytes:
    """A workbook as Excel saves one: these rows in the first sheet, numbers kept as numbers."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class Cli:
    """`python -m district --data DATA` in subprocesses; the key passphrase file `init` writes
    goes to `config` (beside `data`, never inside it)."""

    def __init__(self, db_url: str, data: Path) -> None:
        self.data = data
        self.config = data.parent / "config"
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("DATABASE_URL", "UNIONPASS_KEY_PASSPHRASE", "UNIONPASS_DATA_DIR")}
        self.env["XDG_CONFIG_HOME"] = str(self.config)
        if not db_url.startswith("sqlite"):
            self.env["DATABASE_URL"] = db_url

    @property
    def passphrase_file(self) -> Path:
        return self.config / "unionpass" / "key-passphrase"

    def run(self, *commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
        """Start every command at once; wait for all; results in order."""
        started = [subprocess.Popen(
            [sys.executable, "-m", "district", "--data", str(self.data), *args], cwd=ROOT,
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for args in commands]
        results = []
        for process, args in zip(started, commands, strict=True):
            out, err = process.communicate(timeout=120)
            results.append(subprocess.CompletedProcess(args, process.returncode, out, err))
        return results
