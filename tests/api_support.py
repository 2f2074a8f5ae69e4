"""A real district server on loopback for the member API's tests, and a phone that talks to it.

uvicorn serves the app from a background thread on a socket bound to 127.0.0.1:0 that is
already listening, so the first request simply waits in the backlog until the server accepts.
The server's clock is `Clock` (set as `app.state.clock`), moved by the tests. `server` is one
instance; `two_servers` two instances (each its own app and connection pool) on one database,
as production runs several on one PostgreSQL; `servers` is either, as a parameter; `at_once`
fires calls from threads together.
"""

from __future__ import annotations

import base64
import shutil
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import uvicorn

from app.card import phone_qr_payload, present
from app.device_proof import sign_activation, sign_window
from app.keys import KeyPair
from app.qrtext import encode_qr_text
from app.trust import open_status_list, open_trust_list
from app.verify import Verdict, Verifier
from district.phones import activation
from district.registry import importer, people
from district.service import District
from district.settings import Settings
from district.web import create_app, server_options
from tests.district_support import PASSPHRASE, csv_bytes
from tests.fakes import NOW, Clock

T = TypeVar("T")
ROWS = ("WZ1,陈建国,3317,WZ-MD,木渎精工机械工会,蓝领之星;劳动模范,",
        "WZ2,王秀英,1234,WZ-DS,东山工会,,", "WZ3,李明,0001,WZ-MD,木渎精工机械工会,,")


@dataclass
class Server:
    """The running server, the district behind it (same database) and its clock."""

    url: str
    district: District
    clock: Clock
    http: httpx.Client

    def code(self, member_no: str, family_no: int | None = None, days: int = 7,
             at: float | None = None) -> str:
        with self.district.sessions.begin() as session:
            return activation.create_activation_code(
                session, member_no, family_no, "test", int(at or self.clock()), days)

    def add_family(self, member_no: str, name: str, relation: str = "配偶") -> None:
        with self.district.sessions.begin() as session:
            member = people.member_by_no(session, member_no)
            people.add_family(session, member, name, relation, "5208", int(self.clock()))

    def phone(self) -> Phone:
        return Phone(self)


@dataclass
class Phone:
    """A phone with its own key pair; after `activate` it holds a token, a card and the lists."""

    server: Server
    key: KeyPair = field(default_factory=KeyPair.generate)
    answer: dict[str, Any] = field(default_factory=dict)

    def activate(self, member_no: str, code: str) -> httpx.Response:
        response = self.server.http.post("/api/v1/activate",
                                         json=activation_body(self.key, member_no, code))
        if response.status_code == 200:
            self.answer = response.json()
        return response

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.answer['device_token']}"}

    def get(self, path: str) -> httpx.Response:
        return self.server.http.get(f"/api/v1{path}", headers=self.headers)

    def send(self, method: str, path: str, body: object = None) -> httpx.Response:
        return self.server.http.request(method, f"/api/v1{path}", json=body, headers=self.headers)

    def text(self, card_b64: str) -> str:
        """The QR text this phone shows now for a card (a fresh presentation)."""
        card = base64.b64decode(card_b64)
        return encode_qr_text(phone_qr_payload(card, present(card, self.key,
                                                             self.server.clock())))

    def verify(self, card_b64: str) -> Verdict:
        """A window's verdict on what this phone shows, with the lists the server serves now."""
        return window(self.server).verify(self.text(card_b64), self.server.clock())


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode()


def activation_body(key: KeyPair, member_no: str, code: str,
                    device_name: str = "test phone") -> dict[str, str]:
    """`POST /api/v1/activate`'s body as the app sends it: signed with the phone's key."""
    return {"member_no": member_no, "code": code, "device_name": device_name,
            "public_key": b64e(key.public_raw),
            "signature": b64e(sign_activation(key, member_no, code))}


def window_body(key: KeyPair, code: str, device_name: str = "售票窗口 1") -> dict[str, str]:
    """`POST /api/v1/windows/enroll`'s body as a window sends it: signed with its key."""
    return {"code": code, "device_name": device_name, "public_key": b64e(key.public_raw),
            "signature": b64e(sign_window(key, code))}


def b64d(text: str) -> bytes:
    return base64.b64decode(text)


def window(server: Server) -> Verifier:
    """A verifier holding the lists fetched from the API, opened with the served root key."""
    trust = server.http.get("/api/v1/lists/trust").json()
    status = server.http.get("/api/v1/lists/status").json()
    root = b64d(trust["root_public_key"])
    return Verifier(open_trust_list(b64d(trust["data"]), root),
                    open_status_list(b64d(status["data"]), root))


def _listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


def _prepare(settings: Settings) -> District:
    district = District.open(settings)
    district.initialize("test", NOW)
    with district.sessions.begin() as session:
        importer.import_members(session, csv_bytes(*ROWS), "test", NOW)
    return district


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One prepared SQLite district, copied for each test (init and import run once)."""
    path = tmp_path_factory.mktemp("template") / "district.db"
    _prepare(Settings(path.parent / "data", f"sqlite:///{path}", PASSPHRASE)).close()
    return path


def _district(settings: Settings, template: Path) -> District:
    if not settings.is_sqlite:
        return _prepare(settings)
    shutil.copyfile(template, settings.database_url.removeprefix("sqlite:///"))
    return District.open(settings)


@contextmanager
def serving(settings: Settings, district: District, clock: Clock) -> Iterator[Server]:
    """One more server instance (its own app, engine and connection pool) on `settings`'
    database, with `district`'s unlocked keys and the shared `clock`."""
    app = create_app(settings)
    app.state.clock = clock
    app.state.district._keys = district.keys()  # scrypt once per test, not once per District
    sock = _listening_socket()
    config = uvicorn.Config(app, log_level="warning", ws="none", lifespan="on",
                            **server_options(settings))
    runner = uvicorn.Server(config)
    thread = threading.Thread(target=runner.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}",
                          timeout=60) as http:
            assert http.get("/healthz").json()["status"] == "ok"
            # FastAPI builds its routes on the first request that walks them, under
            # warnings.catch_warnings, which is not thread-safe: with warnings as errors, two
            # instances doing that at once in one process can raise a warning as a 500. A path
            # that matches nothing walks every route once, before the tests' threads start.
            assert http.get("/-/warm-up").status_code == 404
            yield Server(str(http.base_url), district, clock, http)
    finally:
        runner.should_exit = True
        thread.join(timeout=30)
        sock.close()


@pytest.fixture
def server(db_url: str, tmp_path: Path, sqlite_template: Path) -> Iterator[Server]:
    """An initialized district with three members, served by uvicorn on loopback, configured
    as `python -m district serve` configures it."""
    settings = Settings(tmp_path / "data", db_url, PASSPHRASE)
    district = _district(settings, sqlite_template)
    try:
        with serving(settings, district, Clock(NOW + 3600)) as served:
            yield served
    finally:
        district.close()


@pytest.fixture
def proxied_server(db_url: str, tmp_path: Path, sqlite_template: Path) -> Iterator[Server]:
    """The same district behind a reverse proxy on 127.0.0.1 (`serve --forwarded-allow-ips
    127.0.0.1`): the address in X-Forwarded-For is the client's."""
    settings = Settings(tmp_path / "data", db_url, PASSPHRASE, forwarded_allow_ips=("127.0.0.1",))
    district = _district(settings, sqlite_template)
    try:
        with serving(settings, district, Clock(NOW + 3600)) as served:
            yield served
    finally:
        district.close()


@pytest.fixture
def two_servers(db_url: str, tmp_path: Path, sqlite_template: Path) -> Iterator[
        tuple[Server, Server]]:
    """Two server instances (each its own uvicorn, app and connection pool) on ONE database
    — as several instances serve one PostgreSQL in production — sharing the data directory,
    the keys and the clock. Both `Server.district`s are the same helper District."""
    settings = Settings(tmp_path / "data", db_url, PASSPHRASE)
    district = _district(settings, sqlite_template)
    clock = Clock(NOW + 3600)
    try:
        with serving(settings, district, clock) as first, \
                serving(settings, district, clock) as second:
            yield first, second
    finally:
        district.close()


@pytest.fixture(params=["one instance", "two instances"])
def servers(request: pytest.FixtureRequest, db_url: str) -> list[Server]:
    """`[server]`, or the two instances of `two_servers`: a test spreading its requests over
    the list proves a rule on one instance and on two sharing the database (`db_url` is named
    so that both run on SQLite and on PostgreSQL)."""
    if request.param == "one instance":
        return [request.getfixturevalue("server")]
    return list(request.getfixturevalue("two_servers"))


def at_once(calls: Sequence[Callable[[], T]]) -> list[T]:
    """Run every call in its own thread, released together by a barrier; results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        barrier.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))
