"""A real district server for the phone's tests: `python -m district` init + demo + serve on
loopback (SQLite in a temporary folder), one-time activation codes made the console's way, the
signed lists a window downloads, and a phone activated before its app starts."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

import storage
from app.demo import verifier_from
from app.models import Pinned
from app.verify import Verifier
from district.phones.activation import create_activation_code
from district.service import District
from district.settings import AUTO_APPROVE_ENV, Settings
from main import build_services

ROOT = Path(__file__).resolve().parent.parent
DEMO_MEMBER = "WZ2014012345"  # 陈建国, 蓝领之星, two approved family members


def _district(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "district", "--data", str(data_dir), *args]


@dataclass
class DistrictServer:
    data_dir: Path
    port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def new_code(self, member_no: str = DEMO_MEMBER) -> str:
        """A one-time activation code, as the console makes one for the member."""
        district = District.open(Settings.from_env(self.data_dir), migrate=False)
        try:
            with district.sessions.begin() as session:
                return create_activation_code(session, member_no, None, "test:clerk",
                                              int(time.time()))
        finally:
            district.close()

    def window_verifier(self) -> Verifier:
        """What a window knows: the district's root key and its newest signed lists, as
        `GET /api/v1/lists/trust` and `/status` hand them out."""
        lists = {kind: httpx.get(f"{self.url}/api/v1/lists/{kind}", timeout=10).json()
                 for kind in ("trust", "status")}
        raw = {kind: base64.b64decode(answer["data"]) for kind, answer in lists.items()}
        root = base64.b64decode(lists["trust"]["root_public_key"])
        return verifier_from(Pinned(root, raw["trust"], raw["status"]))

    def activate_phone(self, data_dir: Path, member_no: str = DEMO_MEMBER) -> None:
        """The member's phone activated with a fresh code (its card, family cards and lists),
        as the activation screen leaves it; its app then opens with the card."""
        device = storage.open_device(data_dir)
        try:
            build_services(device, time.time).activation.activate(
                member_no, self.new_code(member_no), self.url)
        finally:
            device.close()

    def window_code(self, spot_id: str) -> str:
        """`python -m district --data DIR enroll-window SPOT_ID`: the code alone on stdout."""
        done = subprocess.run(_district(self.data_dir, "enroll-window", spot_id), cwd=ROOT,
                              check=True, capture_output=True, text=True)
        return done.stdout.strip()

    def enroll_window(self, data_dir: Path, spot_id: str) -> None:
        """A window device enrolled at `spot_id` with a fresh code, as the enrollment screen
        leaves it; its app then opens on the desk (its first sync brings the newest lists)."""
        device = storage.open_device(data_dir)
        try:
            station = build_services(device, time.time).window
            assert station is not None
            station.enroll(self.window_code(spot_id), self.url)
        finally:
            device.close()

    def start(self, auto_approve: bool = False, *serve_args: str) -> None:
        """`serve` on the port (with `serve_args`, e.g. --forwarded-allow-ips), once healthy."""
        env = {**os.environ, AUTO_APPROVE_ENV: "1" if auto_approve else "0"}
        log = (self.data_dir.parent / "district.log").open("ab")
        self.proc = subprocess.Popen(
            _district(self.data_dir, "serve", "--port", str(self.port), *serve_args), cwd=ROOT,
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 30
        while not self._healthy():
            if time.monotonic() > deadline:
                raise RuntimeError(f"district server did not start (see {log.name})")
            try:
                code = self.proc.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                continue
            raise RuntimeError(f"district server exited with {code} (see {log.name})")

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=0.5).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        if self.proc is None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None


@contextmanager
def district_server(folder: Path, port: int, auto_approve: bool = False) -> Iterator[
        DistrictServer]:
    """A demo district (initialized and seeded) served on `port` until the block ends."""
    data_dir = folder / "district"
    subprocess.run(_district(data_dir, "demo"), cwd=ROOT, check=True,
                   capture_output=True)
    server = DistrictServer(data_dir, port)
    server.start(auto_approve)
    try:
        yield server
    finally:
        server.stop()
