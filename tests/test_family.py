"""Family-card requests: kept on the phone until the district has them, approved cards picked up
on refresh, withdrawn cards gone from the phone."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.activation import (
    Activation,
    DistrictRefused,
    DistrictUnreachable,
    NotActivated,
    access_of,
)
from app.demo import demo_verifier
from app.family import FamilyCards, InvalidFamilyRequest
from app.models import CardKind, FamilyState
from app.wallet import Wallet
from storage.device import DeviceStore
from storage.memory import in_memory_device
from tests.district_fake import CODE, MEMBER_NO, NOW, FakeDistrict


@dataclass
class Phone:
    district: FakeDistrict
    device: DeviceStore
    wallet: Wallet
    family: FamilyCards


def phone(*, activated: bool = True, auto_approve: bool = True) -> Phone:
    district, device = FakeDistrict(auto_approve=auto_approve), in_memory_device()
    clock = lambda: float(NOW)  # noqa: E731
    wallet = Wallet(device.keys, device.cards, clock)
    if activated:
        Activation(district, wallet, device.cards, device.trust, device.settings,
                   clock).activate(MEMBER_NO, CODE, "http://127.0.0.1:8600")
    ids = iter(f"req-{n}" for n in range(100))
    family = FamilyCards(district, wallet, device.cards, device.family_outbox, device.trust,
                         device.settings, clock, new_id=lambda: next(ids))
    return Phone(district, device, wallet, family)


def test_an_auto_approved_request_brings_a_family_card_that_verifies() -> None:
    p = phone()
    done = p.family.request("王芳", "配偶", "5208")
    assert done.sent and done.member is not None and done.member.state is FamilyState.APPROVED
    assert p.family.pending() == []
    assert p.family.refresh().added == 1
    (card,) = p.wallet.family_cards()
    assert (card.name, card.relation, card.kind) == ("王芳", "配偶", CardKind.FAMILY)
    verdict = demo_verifier(p.device.trust, lambda: float(NOW))(p.wallet.qr_text(card.serial))
    assert verdict.valid and verdict.kind is CardKind.FAMILY


def test_a_request_made_offline_is_kept_and_sent_on_refresh() -> None:
    p = phone()
    p.district.reachable = False
    done = p.family.request("陈小明", "子女", "123x")
    assert not done.sent
    assert [(r.name, r.id_last4) for r in p.family.pending()] == [("陈小明", "123X")]
    with pytest.raises(DistrictUnreachable):
        p.family.refresh()
    assert len(p.device.family_outbox.pending()) == 1
    p.district.reachable = True
    report = p.family.refresh()
    assert (report.sent, report.added) == (1, 1)
    assert p.family.pending() == []
    assert [m.name for m in p.family.known] == ["陈小明"]


def test_a_request_the_district_already_has_is_not_sent_twice() -> None:
    p = phone()
    p.district.reachable = False
    request = p.family.request("王芳", "配偶", "5208").request
    p.district.reachable = True
    access = access_of(p.device.settings.load())
    assert access is not None
    p.district.request_family(access, request)  # delivered, but the answer never came back
    assert p.family.refresh().sent == 0
    assert [m.name for m in p.district.family] == ["王芳"]
    assert p.family.pending() == []


def test_a_pending_request_shows_its_state_and_no_card_until_approved() -> None:
    p = phone(auto_approve=False)
    assert p.family.request("陈德明", "父亲", "0412").member is not None
    p.family.refresh()
    assert [(m.name, m.state) for m in p.family.known] == [("陈德明", FamilyState.PENDING)]
    assert p.wallet.family_cards() == []


def test_a_refusal_is_reported_and_the_request_leaves_the_outbox() -> None:
    p = phone()
    for n, name in enumerate(("甲", "乙", "丙", "丁")):
        p.family.request(name, "其他", f"000{n}")
    with pytest.raises(DistrictRefused) as refused:
        p.family.request("戊", "其他", "0005")
    assert refused.value.code == "family_limit"
    assert p.family.pending() == []


def test_withdrawing_removes_the_card_from_the_phone() -> None:
    p = phone()
    p.family.request("王芳", "配偶", "5208")
    p.family.refresh()
    (member,) = p.family.known
    p.family.withdraw(member)
    assert p.wallet.family_cards() == []
    assert p.family.refresh().removed == 0
    assert [m.state for m in p.district.family] == [FamilyState.WITHDRAWN]


def test_a_family_card_the_district_no_longer_has_leaves_on_refresh() -> None:
    p = phone()
    p.family.request("王芳", "配偶", "5208")
    p.family.refresh()
    p.district.family_cose.clear()  # withdrawn from another place (the console)
    assert p.family.refresh().removed == 1
    assert p.wallet.family_cards() == []


@pytest.mark.parametrize(("name", "relation", "last4", "code"), [
    ("", "配偶", "5208", "name"),
    ("王芳", "表哥", "5208", "relation"),
    ("王芳", "配偶", "52", "id_last4"),
    ("王芳", "配偶", "X208", "id_last4"),
])
def test_a_badly_filled_form_is_refused_before_anything_is_kept(
        name: str, relation: str, last4: str, code: str) -> None:
    p = phone()
    with pytest.raises(InvalidFamilyRequest) as invalid:
        p.family.request(name, relation, last4)
    assert invalid.value.code == code
    assert p.family.pending() == []


def test_family_requests_need_an_activated_phone() -> None:
    p = phone(activated=False)
    with pytest.raises(NotActivated):
        p.family.request("王芳", "配偶", "5208")
    with pytest.raises(NotActivated):
        p.family.refresh()
