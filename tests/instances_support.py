"""Two district server processes (`python -m district serve`) on one PostgreSQL database — the
configuration a district runs when it outgrows one machine — for the tests that every rule holds
across instances. The district objects of the test set up data in the same database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from district.settings import Settings
from tests.api_support import Server, _prepare
from tests.district_support import PASSPHRASE, ROOT
from tests.fakes import Clock

START_TIMEOUT = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start(data: Path, database_url: str, port: int) -> subprocess.Popen[bytes]:
    """`serve` on `port`, its output in `data`/serve.log (a pipe nobody reads would fill up)."""
    env = {**os.environ, "DATABASE_URL": database_url, "UNIONPASS_KEY_PASSPHRASE": PASSPHRASE}
    data.mkdir(parents=True)
    with (data / "serve.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "district", "--data", str(data), "serve", "--port", str(port)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait_until_up(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"serve exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up in {START_TIMEOUT} s")


@pytest.fixture
def two_instances(pg_schema_url: str, tmp_path: Path) -> Iterator[list[Server]]:
    """An initialized district with three members on PostgreSQL, served by two processes."""
    district = _prepare(Settings(tmp_path / "setup", pg_schema_url, PASSPHRASE))
    ports = [_free_port(), _free_port()]
    processes = [_start(tmp_path / f"instance{n}", pg_schema_url, port)
                 for n, port in enumerate(ports)]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for n, (process, url) in enumerate(zip(processes, urls, strict=True)):
            _wait_until_up(process, url, tmp_path / f"instance{n}" / "serve.log")
        clients = [httpx.Client(base_url=url, timeout=60) for url in urls]
        yield [Server(url, district, Clock(time.time()), http)
               for url, http in zip(urls, clients, strict=True)]
        for http in clients:
            http.close()
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        district.close()
