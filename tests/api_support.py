"""A real district server on loopback for the member API's tests, and a phone that talks to it.

uvicorn serves the app from a background thread on a socket bound to 127.0.0.1:0 that is
already listening, so the first request simply waits in the backlog until the server accepts.
The server's clock is `Clock` (set as `app.state.clock`), moved by the tests.
"""

from __future__ import annotations

import base64
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from app.card import phone_qr_payload, present
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
        response = self.server.http.post("/api/v1/activate", json={
            "member_no": member_no, "code": code, "device_name": "test phone",
            "public_key": base64.b64encode(self.key.public_raw).decode()})
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


@pytest.fixture
def server(db_url: str, tmp_path: Path, sqlite_template: Path) -> Iterator[Server]:
    """An initialized district with three members, served by uvicorn on loopback, configured
    as `python -m district serve` configures it."""
    yield from _serve(Settings(tmp_path / "data", db_url, PASSPHRASE), sqlite_template)


@pytest.fixture
def proxied_server(db_url: str, tmp_path: Path, sqlite_template: Path) -> Iterator[Server]:
    """The same district behind a reverse proxy on 127.0.0.1 (`serve --forwarded-allow-ips
    127.0.0.1`): the address in X-Forwarded-For is the client's."""
    settings = Settings(tmp_path / "data", db_url, PASSPHRASE, forwarded_allow_ips=("127.0.0.1",))
    yield from _serve(settings, sqlite_template)


def _serve(settings: Settings, sqlite_template: Path) -> Iterator[Server]:
    clock = Clock(NOW + 3600)
    district = _district(settings, sqlite_template)
    app = create_app(settings)
    app.state.clock = clock
    app.state.district._keys = district.keys()  # scrypt once per test, not once per District
    sock = _listening_socket()
    config = uvicorn.Config(app, log_level="warning", ws="none", lifespan="on",
                            **server_options(settings))
    runner = uvicorn.Server(config)
    thread = threading.Thread(target=runner.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    with httpx.Client(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}", timeout=30) as http:
        assert http.get("/healthz").json()["status"] == "ok"
        yield Server(str(http.base_url), district, clock, http)
    runner.should_exit = True
    thread.join(timeout=30)
    sock.close()
    district.close()
