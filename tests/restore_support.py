"""A district an operator stops, restores from a backup and starts again (for
tests/test_sync_district_restore.py).

`Restartable` serves the district with uvicorn on one loopback port — the same port after each
restart, so the devices' saved server address keeps working — with the tests' clock and the
key ring unlocked once. `Cli` (tests/district_support.py) runs `backup` and `restore` on the
same data directory and database, as an operator would.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from district.cards.keyring import KeyRing
from district.service import District
from district.settings import Settings
from district.web import create_app
from tests.api_support import Server, _prepare
from tests.district_support import PASSPHRASE, Cli
from tests.fakes import NOW, Clock

Running = tuple[uvicorn.Server, threading.Thread, socket.socket, httpx.Client, District]


@dataclass
class Restartable:
    settings: Settings
    clock: Clock
    keys: KeyRing
    port: int = 0
    running: Running | None = None

    def start(self) -> Server:
        """Serve the district (on the port of the first start)."""
        app = create_app(self.settings)
        app.state.clock = self.clock
        app.state.district._keys = self.keys
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(64)
        self.port = sock.getsockname()[1]
        runner = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none",
                                               lifespan="on"))
        thread = threading.Thread(target=runner.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30)
        assert http.get("/healthz").json()["status"] == "ok"
        district = District.open(self.settings, migrate=False)
        district._keys = self.keys
        self.running = runner, thread, sock, http, district
        return Server(str(http.base_url), district, self.clock, http)

    def stop(self) -> None:
        """Stop serving; every connection to the database is closed."""
        if self.running is None:
            return
        runner, thread, sock, http, district = self.running
        runner.should_exit = True
        thread.join(timeout=30)
        sock.close()
        http.close()
        district.close()
        self.running = None

    def cli(self, db_url: str) -> Cli:
        """`python -m district` on this district's data directory and database."""
        cli = Cli(db_url, self.settings.data_dir)
        cli.env["UNIONPASS_KEY_PASSPHRASE"] = PASSPHRASE
        return cli


@pytest.fixture
def restartable(db_url: str, tmp_path: Path) -> Iterator[Restartable]:
    """The district of tests/api_support.py (three members) with its SQLite file in its data
    directory, where `python -m district --data DIR` finds it; up to 5 discounted tickets per
    card per spot per day."""
    data = tmp_path / "data"
    url = f"sqlite:///{data / 'district.db'}" if db_url.startswith("sqlite") else db_url
    settings = Settings(data, url, PASSPHRASE, daily_limit=5)
    district = _prepare(settings)
    made = Restartable(settings, Clock(NOW + 3600), district.keys())
    district.close()
    yield made
    made.stop()
