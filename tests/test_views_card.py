"""The card screen: the member's details, a QR a window accepts, renewed every 30 s."""

from __future__ import annotations

import asyncio
import io

import flet as ft
import pytest
import zxingcpp
from PIL import Image

from app.models import CardKind
from app.wallet import Wallet
from tests.kit import Kit
from tests.views_support import all_text, demo_member, find, has_key
from views.card import QrPanel, card_content
from views.services import Translator


def decode_png(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    text: str = results[0].text
    return text


def member_card_screen(language: str = "zh") -> tuple[ft.Control, QrPanel]:
    member = demo_member()
    wallet = member.services.wallet
    body, panel = card_content(wallet.member_card(), wallet, Translator(language))
    assert panel is not None
    return body, panel


def test_the_card_shows_who_it_belongs_to_with_the_number_masked() -> None:
    body, _ = member_card_screen()
    shown = all_text(body)
    for expected in ("吴中区总工会 会员证", "陈建国", "木渎镇苏州精工机械有限公司工会",
                     "WZ2*******45", "蓝领之星", "请调高屏幕亮度", "会员购票 5.1折"):
        assert expected in shown
    assert "WZ2014012345" not in shown


def test_a_family_card_on_screen_shows_only_its_holder_and_no_member_title() -> None:
    """Issue 11.4: a family card signed with the member's 蓝领之星 shows no title."""
    member, kit = demo_member(with_cards=False), Kit()
    wallet = Wallet(member.device, member.device, member.clock)
    card = wallet.add_card(kit.card(kit.claims(100_002, CardKind.FAMILY,
                                               holder=wallet.device_key(), name="王喆")))
    body, _ = card_content(card, wallet, Translator("zh"))
    shown = all_text(body)
    assert "王喆" in shown and "吴中区总工会 家属优惠证" in shown
    assert "蓝领之星" not in shown and not has_key(body, "card-titles")


def test_the_card_speaks_english_when_asked() -> None:
    body, _ = member_card_screen("en")
    shown = all_text(body)
    assert "Wuzhong Union Member Card" in shown
    assert "Please turn up screen brightness" in shown


def test_the_qr_on_screen_is_a_valid_member_card_for_a_window() -> None:
    member = demo_member()
    wallet = member.services.wallet
    card = wallet.member_card()
    assert card is not None
    panel = QrPanel(wallet, card.serial, Translator("zh"))
    assert isinstance(panel.image.src, bytes)
    verdict = member.verify(decode_png(panel.image.src))
    assert verdict.valid, verdict.reason
    assert verdict.kind is CardKind.MEMBER
    assert verdict.name == "陈建国"


def test_the_qr_image_is_big_and_labelled_for_screen_readers() -> None:
    _, panel = member_card_screen()
    assert panel.image.width is not None and panel.image.width >= 300
    assert panel.image.semantics_label == "会员证二维码"


def test_the_qr_is_redrawn_only_when_the_30_second_slot_moves_on() -> None:
    member = demo_member()
    wallet = member.services.wallet
    panel = QrPanel(wallet, 100_001, Translator("zh"))
    first = panel.shown_text
    member.clock.now += 1
    assert panel.refresh() is False
    member.clock.now += 30
    assert panel.refresh() is True
    assert panel.shown_text != first
    assert member.verify(panel.shown_text).valid


def test_the_countdown_says_when_the_code_renews() -> None:
    member = demo_member()
    member.clock.now = 1_795_000_010.0  # 20 s into its 30 s slot
    panel = QrPanel(member.services.wallet, 100_001, Translator("zh"))
    assert panel.countdown.value == "10 秒后刷新"


def test_the_ticker_redraws_each_second_and_the_image_when_the_slot_changes() -> None:
    member = demo_member()
    panel = QrPanel(member.services.wallet, 100_001, Translator("zh"))
    redrawn: list[ft.Control] = []
    ticks = 0

    async def sleep(_: float) -> None:
        nonlocal ticks
        ticks += 1
        if ticks > 3:
            raise asyncio.CancelledError
        member.clock.now += 15

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(panel.run(sleep=sleep, redraw=redrawn.append))
    assert redrawn.count(panel.countdown) == 3
    assert 1 <= redrawn.count(panel.image) <= 2


def test_a_phone_without_a_card_says_how_to_get_one() -> None:
    member = demo_member(with_cards=False)
    body, panel = card_content(member.services.wallet.member_card(), member.services.wallet,
                               Translator("zh"))
    assert panel is None
    assert has_key(body, "card-empty")
    assert "本机还没有会员证" in all_text(body)


def test_an_expired_card_says_so() -> None:
    member = demo_member()
    member.clock.now += 3 * 365 * 86_400
    body, _ = card_content(member.services.wallet.member_card(), member.services.wallet,
                           Translator("zh"))
    assert find(body, "card-not-valid") is not None
