"""The client address the district records and rate-limits (`web_context.client_of`), over real
uvicorn on loopback: X-Forwarded-For counts only when it comes from a configured proxy."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from app.device_proof import sign_activation
from app.keys import KeyPair
from district import audit
from district.phones import activation
from district.service import District
from district.settings import Settings
from district.web import server_options
from tests.api_support import Server
from tests.browser_support import free_port
from tests.district_server import DEMO_MEMBER, DistrictServer, district_server


def seen_by_the_limits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The client address each activation's rate limits are given (the limits still run)."""
    seen: list[str] = []
    hold: Callable[[Session, str, str, int], None] = activation.hold_attempts

    def recording(session: Session, member_no: str, client: str, now: int) -> None:
        seen.append(client)
        hold(session, member_no, client, now)

    monkeypatch.setattr(activation, "hold_attempts", recording)
    return seen


def activate(http: httpx.Client, member_no: str, code: str, forwarded: str) -> httpx.Response:
    key = KeyPair.generate()
    return http.post("/api/v1/activate", headers={"X-Forwarded-For": forwarded}, json={
        "member_no": member_no, "code": code, "device_name": "phone",
        "public_key": base64.b64encode(key.public_raw).decode(),
        "signature": base64.b64encode(sign_activation(key, member_no, code)).decode()})


def audited_client(district: District) -> object:
    """The client address in the newest activation's audit entry."""
    with district.sessions() as session:
        [entry] = audit.recent(session, 1, "device.activate")
    return audit.details_of(entry)["client"]


def test_a_client_cannot_choose_the_address_it_is_limited_by(
        server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = seen_by_the_limits(monkeypatch)
    assert activate(server.http, "WZ1", server.code("WZ1"), "203.0.113.7").status_code == 200
    assert audited_client(server.district) == "127.0.0.1"
    for n in range(6):
        answer = activate(server.http, "WZ2", "WRNG-CODE", f"198.51.100.{n + 1}")
        assert answer.status_code in (403, 429), answer.text
    assert seen == ["127.0.0.1"] * 7


def test_behind_a_configured_proxy_the_forwarded_address_is_the_clients(
        proxied_server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = seen_by_the_limits(monkeypatch)
    http = proxied_server.http
    assert activate(http, "WZ1", proxied_server.code("WZ1"), "203.0.113.7").status_code == 200
    assert audited_client(proxied_server.district) == "203.0.113.7"
    # The proxy appends the address it saw: what the client wrote before it is not believed.
    assert activate(http, "WZ2", "WRNG-CODE", "10.9.9.9, 198.51.100.4").status_code == 403
    assert seen == ["203.0.113.7", "198.51.100.4"]


def activated_through(server: DistrictServer, forwarded: str) -> object:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        answer = activate(http, DEMO_MEMBER, server.new_code(), forwarded)
    assert answer.status_code == 200, answer.text
    district = District.open(Settings.from_env(server.data_dir), migrate=False)
    try:
        return audited_client(district)
    finally:
        district.close()


def test_serve_believes_x_forwarded_for_only_from_the_proxies_it_is_told(tmp_path: Path) -> None:
    with district_server(tmp_path, free_port()) as running:
        plain = activated_through(running, "203.0.113.7")
        running.stop()
        running.start(False, "--forwarded-allow-ips", "127.0.0.1")
        proxied = activated_through(running, "203.0.113.7")
    assert (plain, proxied) == ("127.0.0.1", "203.0.113.7")


def test_trusted_proxies_come_from_the_environment_and_default_to_none(tmp_path: Path) -> None:
    plain = Settings.from_env(tmp_path, {})
    named = Settings.from_env(tmp_path, {"UNIONPASS_FORWARDED_ALLOW_IPS": "10.0.0.5, 10.0.0.6"})
    assert server_options(plain) == {"proxy_headers": False, "forwarded_allow_ips": None}
    assert server_options(named) == {"proxy_headers": True,
                                     "forwarded_allow_ips": "10.0.0.5,10.0.0.6"}
