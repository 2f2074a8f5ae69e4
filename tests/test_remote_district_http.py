"""The httpx adapter against a real district server on loopback (SQLite, demo data): activation,
the card that lands on the phone verifies, family requests, refusals in the server's words, and
a stopped server is "cannot reach the district server" with nothing on the phone lost."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

import main
from app.activation import Activation
from app.demo import demo_verifier
from app.district_access import access_of
from app.district_errors import ActivationRefused, DistrictRefused, DistrictUnreachable
from app.family import FamilyCards
from app.models import CardKind, DistrictAccess, FamilyState
from app.wallet import Wallet
from remote.district_http import BadAnswer, HttpDistrictClient
from storage.device import DeviceStore
from storage.memory import in_memory_device
from tests.browser_support import free_port
from tests.district_server import DEMO_MEMBER, DistrictServer, district_server

pytestmark = pytest.mark.slow


@dataclass
class Phone:
    device: DeviceStore
    wallet: Wallet
    activation: Activation
    family: FamilyCards


def new_phone() -> Phone:
    """A phone built as the app builds it: the member API and the sync over HTTP."""
    device = in_memory_device()
    services = main.build_services(device, time.time)
    assert isinstance(services.wallet, Wallet) and isinstance(services.family, FamilyCards)
    assert isinstance(services.activation, Activation)
    return Phone(device, services.wallet, services.activation, services.family)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DistrictServer]:
    with district_server(tmp_path_factory.mktemp("district"), free_port(),
                         auto_approve=True) as running:
        yield running


def test_activation_puts_a_card_on_the_phone_that_a_window_accepts(server: DistrictServer) -> None:
    p = new_phone()
    done = p.activation.activate(DEMO_MEMBER, server.new_code(), server.url)
    assert (done.card.name, done.card.kind, done.family) == ("陈建国", CardKind.MEMBER, 2)
    assert "蓝领之星" in done.card.titles
    verify = demo_verifier(p.device.trust, time.time)
    for card in (done.card, *p.wallet.family_cards()):
        verdict = verify(p.wallet.qr_text(card.serial))
        assert verdict.valid, verdict.reason
    assert {c.name for c in p.wallet.family_cards()} == {"王喆", "陈德明"}


def test_a_wrong_code_is_refused_in_the_servers_words(server: DistrictServer) -> None:
    p = new_phone()
    with pytest.raises(ActivationRefused) as refused:
        p.activation.activate("WZ2014000201", "AAAA-BBBB", server.url)
    assert refused.value.code == "wrong_code"
    assert refused.value.message("zh") == "会员号 WZ2014000201 的激活码不对（或没有这个会员号）"
    assert "activation code" in refused.value.message("en")
    assert p.device.cards.all() == [] and not p.activation.is_activated()


def test_a_used_code_is_refused(server: DistrictServer) -> None:
    code = server.new_code("WZ2014000201")
    new_phone().activation.activate("WZ2014000201", code, server.url)
    with pytest.raises(ActivationRefused) as refused:
        new_phone().activation.activate("WZ2014000201", code, server.url)
    assert refused.value.code == "code_used"


def test_family_request_refresh_and_withdraw(server: DistrictServer) -> None:
    p = new_phone()
    p.activation.activate("WZ2014000301", server.new_code("WZ2014000301"), server.url)
    p.family.request("李小红", "子女", "208X")
    report = p.family.refresh()
    assert (report.pushed, report.error) == (1, None)
    names = {m.name: m for m in p.family.known}
    assert names["李小红"].state is FamilyState.APPROVED  # the server approves automatically
    assert set(names) == {"李桂英", "李小红"}
    child = names["李小红"]
    assert child.serial in {c.serial for c in p.wallet.family_cards()}
    p.family.withdraw(child)
    assert child.serial not in {c.serial for c in p.wallet.family_cards()}
    p.family.refresh()
    assert {m.name: m.state for m in p.family.known}["李小红"] is FamilyState.WITHDRAWN


def test_an_old_token_is_refused_after_activating_on_another_phone(
        server: DistrictServer) -> None:
    first, second = new_phone(), new_phone()
    first.activation.activate("WZ2014001501", server.new_code("WZ2014001501"), server.url)
    second.activation.activate("WZ2014001501", server.new_code("WZ2014001501"), server.url)
    refused = first.family.refresh().error
    assert isinstance(refused, DistrictRefused)
    assert "重新激活" in refused.message("zh") and "Activate" in refused.message("en")


def test_a_web_page_that_is_not_the_district_is_a_bad_answer() -> None:
    def not_a_district(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>router login</html>")

    client = HttpDistrictClient(transport=httpx.MockTransport(not_a_district))
    with pytest.raises(BadAnswer):
        client.me(DistrictAccess("http://192.168.1.1", "token"))


def test_a_stopped_server_is_unreachable_and_nothing_is_lost(tmp_path: Path) -> None:
    with district_server(tmp_path, free_port()) as running:
        p = new_phone()
        p.activation.activate(DEMO_MEMBER, running.new_code(), running.url)
        before = (p.device.cards.all(), p.device.trust.load(), p.device.settings.load())
        running.stop()
        with pytest.raises(DistrictUnreachable) as unreachable:
            p.activation.activate(DEMO_MEMBER, "ABCD-EFGH", running.url)
        assert "无法连接区总工会服务器" in unreachable.value.message("zh")
        p.family.request("王小丽", "子女", "1234")
        assert isinstance(p.family.refresh().error, DistrictUnreachable)
        assert (p.device.cards.all(), p.device.trust.load(), p.device.settings.load()) == before
        assert access_of(p.device.settings.load()) is not None
        assert len(p.family.pending()) == 1
