"""The demo district served by a real uvicorn on loopback, for the console's tests.

One server per database backend per test module (the demo, 16 issuer keys and two scrypt
password hashes take a moment); tests that change things work on different members.
"""

from __future__ import annotations

import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from urllib.parse import quote

import httpx
import psycopg
import pytest
import uvicorn

from district.cli import demo, staff_commands
from district.service import District
from district.settings import Settings
from district.web import create_app, server_options
from tests.district_support import PASSPHRASE, PG_URL, pg_unreachable

ADMIN = ("admin", "demo-admin-2014")
CLERK = ("mudu", "demo-mudu-2014")  # town clerk of 木渎镇 (WZ-MD)
MUDU_MEMBER = "WZ2014012345"  # 陈建国, WZ-MD, with two family members
OTHER_TOWN_MEMBER = "WZ2014000201"  # a member of 东山镇 (WZ-DS)


@dataclass
class Console:
    url: str
    district: District


def _pg_schema() -> tuple[str, str]:
    reason = pg_unreachable()
    if reason is not None:
        pytest.skip(reason)
    schema = f"c_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return schema, f"{PG_URL}?options={quote(f'-csearch_path={schema}')}"


def _drop(schema: str) -> None:
    with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _listening_socket() -> socket.socket:
    """Bound and listening before uvicorn starts: the first request waits in the backlog."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


def _seeded(settings: Settings) -> District:
    district = District.open(settings)
    now = int(time.time())
    district.initialize("test", now - 60)
    with district.sessions.begin() as session:
        demo.seed(session, district.keys(), "test", now - 60)
        staff_commands.seed_staff(session, "test", now - 60)
    return district


def _serve(settings: Settings) -> Iterator[Console]:
    district = _seeded(settings)
    sock = _listening_socket()
    runner = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning", ws="none",
                                           lifespan="on", **server_options(settings)))
    thread = threading.Thread(target=runner.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield Console(f"http://127.0.0.1:{sock.getsockname()[1]}", district)
    finally:
        runner.should_exit = True
        thread.join(timeout=30)
        sock.close()
        district.close()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def console(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """The demo district (with staff admin and mudu) on uvicorn, over SQLite or PostgreSQL."""
    data = tmp_path_factory.mktemp("console") / "data"
    if request.param == "sqlite":
        yield from _serve(Settings(data, f"sqlite:///{data / 'district.db'}", PASSPHRASE))
        return
    schema, url = _pg_schema()
    try:
        yield from _serve(Settings(data, url, PASSPHRASE))
    finally:
        _drop(schema)


def hidden(html: str, name: str) -> str:
    """The value of the hidden form field `name` on a page."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden field {name}"
    return unescape(found.group(1))


def client(console: Console) -> httpx.Client:
    return httpx.Client(base_url=console.url, timeout=30)


def sign_in(http: httpx.Client, username: str, password: str) -> httpx.Response:
    """The sign-in form as a browser fills it (with its token and cookie)."""
    form = http.get("/console/login")
    return http.post("/console/login", data={
        "username": username, "password": password,
        "login_token": hidden(form.text, "login_token")})


@contextmanager
def signed_in(console: Console, who: tuple[str, str]) -> Iterator[httpx.Client]:
    """A client signed in as `who` (user name, password), closed afterwards."""
    with client(console) as http:
        assert sign_in(http, *who).status_code == 303
        yield http


def csrf(http: httpx.Client, page: str = "/console/members") -> str:
    return hidden(http.get(page).text, "csrf")
