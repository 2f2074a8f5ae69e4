"""Family-card requests ride the sync (SPEC §6): saved on the phone before anything is sent, sent
by the next sync, answered by pulled family states and — once approved — by a family card that
verifies; a refusal is parked for the member; withdrawn cards leave the phone."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

import main
from app.demo import demo_verifier
from app.district_errors import DistrictUnreachable, NotActivated
from app.family import InvalidFamilyRequest
from app.models import CardKind, FamilyState
from app.sync import SyncEngine
from storage.device import DeviceStore
from storage.memory import in_memory_device
from tests.fakes import CODE, MEMBER_NO, NOW, FakeDistrict
from views.services import MemberServices


@dataclass
class Phone:
    district: FakeDistrict
    device: DeviceStore
    services: MemberServices

    @property
    def engine(self) -> SyncEngine:
        assert isinstance(self.services.sync, SyncEngine)
        return self.services.sync


def phone(*, activated: bool = True, auto_approve: bool = True) -> Phone:
    district, device = FakeDistrict(auto_approve=auto_approve), in_memory_device()
    clock = lambda: float(NOW)  # noqa: E731
    services = main.build_services(device, clock, client=district, transport=district)
    if activated:
        services.activation.activate(MEMBER_NO, CODE, "http://127.0.0.1:8600")
    return Phone(district, device, services)


def test_an_auto_approved_request_brings_a_family_card_that_verifies() -> None:
    p = phone()
    request = p.services.family.request("王芳", "配偶", "5208")
    assert p.services.family.pending() == [request] and p.district.family == []
    assert p.services.family.refresh().error is None
    assert p.services.family.pending() == []
    (member,) = p.services.family.known
    assert (member.name, member.state) == ("王芳", FamilyState.APPROVED)
    (card,) = p.services.wallet.family_cards()
    assert (card.name, card.relation, card.kind) == ("王芳", "配偶", CardKind.FAMILY)
    verdict = demo_verifier(p.device.trust, lambda: float(NOW))(
        p.services.wallet.qr_text(card.serial))
    assert verdict.valid and verdict.kind is CardKind.FAMILY


def test_a_request_made_offline_is_kept_and_sent_by_the_next_sync() -> None:
    p = phone()
    p.district.reachable = False
    p.services.family.request("陈小明", "子女", "123x")
    assert [(r.name, r.id_last4) for r in p.services.family.pending()] == [("陈小明", "123X")]
    report = p.services.family.refresh()
    assert isinstance(report.error, DistrictUnreachable)
    assert p.engine.status().waiting == 1 and p.engine.status().online is False
    p.district.reachable = True
    assert p.services.family.refresh().pushed == 1
    assert p.services.family.pending() == []
    assert [m.name for m in p.services.family.known] == ["陈小明"]
    assert [m.name for m in p.district.family] == ["陈小明"]


def test_a_pending_request_shows_its_state_and_the_card_arrives_once_approved() -> None:
    p = phone(auto_approve=False)
    p.services.family.request("陈德明", "父亲", "0412")
    p.services.family.refresh()
    assert [(m.name, m.state) for m in p.services.family.known] == [
        ("陈德明", FamilyState.PENDING)]
    assert p.services.wallet.family_cards() == []
    p.district.approve(1)
    p.services.family.refresh()
    assert [m.state for m in p.services.family.known] == [FamilyState.APPROVED]
    assert [c.name for c in p.services.wallet.family_cards()] == ["陈德明"]


def test_a_refusal_is_parked_with_the_districts_words_and_blocks_nothing_else() -> None:
    p = phone()
    for n, name in enumerate(("甲", "乙", "丙", "丁", "戊")):
        p.services.family.request(name, "其他", f"000{n}")
    report = p.services.family.refresh()
    assert (report.pushed, report.parked) == (4, 1)
    (parked,) = p.engine.parked()
    assert parked.change.fields["name"] == "戊" and parked.reason == "family_limit"
    assert "上限" in parked.message and p.services.family.pending() == []
    p.engine.dismiss(parked.change.change_id)
    assert p.engine.parked() == [] and p.engine.status().parked == 0


def test_withdrawing_removes_the_card_from_the_phone_and_a_sync_keeps_it_gone() -> None:
    p = phone()
    p.services.family.request("王芳", "配偶", "5208")
    p.services.family.refresh()
    (member,) = p.services.family.known
    p.services.family.withdraw(member)
    assert p.services.wallet.family_cards() == []
    assert [m.state for m in p.services.family.known] == [FamilyState.WITHDRAWN]
    p.services.family.refresh()
    assert p.services.wallet.family_cards() == []
    assert [m.state for m in p.district.family] == [FamilyState.WITHDRAWN]


def test_family_states_are_kept_on_the_phone_for_the_next_start() -> None:
    p = phone()
    p.services.family.request("王芳", "配偶", "5208")
    p.services.family.refresh()
    again = main.build_services(p.device, lambda: float(NOW), client=p.district,
                                transport=p.district)
    assert [m.name for m in again.family.known] == ["王芳"]


def test_another_person_activating_the_phone_starts_the_sync_over_and_sends_nothing_of_theirs(
) -> None:
    p = phone()
    p.services.family.request("王芳", "配偶", "5208")
    p.services.family.refresh()
    p.district.reachable = False
    p.services.family.request("陈小明", "子女", "1234")
    p.district.reachable = True
    settings = p.device.settings.load()
    p.device.settings.save(type(settings)(settings.language, settings.server_url,
                                          {**settings.extra, "member_no": "WZ2014999999"}))
    p.services.activation.activate(MEMBER_NO, CODE, "http://127.0.0.1:8600")
    assert p.services.family.known == []  # the previous member's family is not theirs
    assert p.device.sync_cursor.load().cursor == 0
    (parked,) = p.engine.parked()
    assert parked.reason == "other_person" and p.engine.status().waiting == 0
    p.services.family.refresh()
    assert [m.name for m in p.district.family] == ["王芳"]


@pytest.mark.parametrize(("name", "relation", "last4", "code"), [
    ("", "配偶", "5208", "name"),
    ("王芳", "表哥", "5208", "relation"),
    ("王芳", "配偶", "52", "id_last4"),
    ("王芳", "配偶", "X208", "id_last4"),
    ("王芳\U0001F600", "配偶", "5208", "name"),
    ("王\x07芳", "配偶", "5208", "name"),
    ("王" * 41, "配偶", "5208", "name"),
])
def test_a_badly_filled_form_is_refused_before_anything_is_kept(
        name: str, relation: str, last4: str, code: str) -> None:
    p = phone()
    with pytest.raises(InvalidFamilyRequest) as invalid:
        p.services.family.request(name, relation, last4)
    assert invalid.value.code == code
    assert p.services.family.pending() == [] and p.engine.status().waiting == 0


@pytest.mark.parametrize(("name", "says"), [
    ("", "请填写家属姓名"),
    ("王" * 41, "家属姓名最多40个字，现在是41个"),
    ("王芳\U0001F600", "不能有表情符号"),
    ("王\u2764\ufe0f芳", "不能有表情符号"),
    ("王\x1b芳", "控制字符"),
])
def test_each_name_problem_says_what_is_wrong(name: str, says: str) -> None:
    with pytest.raises(InvalidFamilyRequest) as invalid:
        phone().services.family.request(name, "配偶", "5208")
    assert says in invalid.value.message("zh") and invalid.value.field == "name"
    assert invalid.value.message("en") != invalid.value.message("zh")


def test_names_in_every_cjk_extension_with_a_middle_dot_and_40_characters_are_kept() -> None:
    p = phone()
    for name in ("吉𠮷", "刘䶮", "阿依古丽·买买提", "王" * 40):
        p.services.family.request(name, "配偶", "5208")
    assert [r.name for r in p.services.family.pending()] == [
        "吉𠮷", "刘䶮", "阿依古丽·买买提", "王" * 40]


def test_family_requests_need_an_activated_phone() -> None:
    p = phone(activated=False)
    with pytest.raises(NotActivated):
        p.services.family.request("王芳", "配偶", "5208")
    with pytest.raises(NotActivated):
        p.services.family.refresh()
