"""Family cards: a list whose rows open each family member's own card and QR."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image

from app.models import CardKind
from tests.views_support import all_text, click, demo_member, find, has_key
from views.card import QrPanel
from views.family import family_list
from views.services import Translator


def test_the_list_shows_each_family_member_with_relation() -> None:
    member = demo_member()
    body = family_list(member.services.wallet.family_cards(), Translator("zh"), print)
    shown = all_text(body)
    assert "王喆" in shown and "配偶" in shown
    assert "陈德明" in shown and "父亲" in shown
    assert "陈建国" not in shown


def test_tapping_show_opens_that_family_card() -> None:
    member = demo_member()
    went: list[str] = []
    body = family_list(member.services.wallet.family_cards(), Translator("zh"), went.append)
    click(find(body, "family-show-100002"))
    click(find(body, "family-100003"))
    assert went == ["/family/100002", "/family/100003"]


def test_a_family_card_qr_is_a_valid_family_card() -> None:
    member = demo_member()
    panel = QrPanel(member.services.wallet, 100_003, Translator("zh"))
    assert isinstance(panel.image.src, bytes)
    text = zxingcpp.read_barcodes(Image.open(io.BytesIO(panel.image.src)))[0].text
    verdict = member.verify(text)
    assert verdict.valid, verdict.reason
    assert verdict.kind is CardKind.FAMILY
    assert verdict.name == "陈德明"


def test_no_family_cards_gives_an_empty_state() -> None:
    body = family_list([], Translator("en"), print)
    assert has_key(body, "family-empty")
    assert "No family cards yet" in all_text(body)
