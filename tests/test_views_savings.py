"""Savings: an empty state until the first discounted ticket, then a list and this year's total."""

from __future__ import annotations

from app.models import CardKind, Redemption
from tests.fakes import NOW
from tests.views_support import all_text, demo_member, find, has_key
from views.savings import savings_list
from views.services import Translator

YEAR = 365 * 86_400


def ticket(rid: str, at: float, charged: int, kind: CardKind = CardKind.MEMBER) -> Redemption:
    return Redemption(rid, 100_001, "qiyuan", "qiyuan-1", "启园门票", kind, 4500, charged, int(at))


def test_no_purchases_shows_the_empty_state() -> None:
    member = demo_member()
    body = savings_list(member.services.savings.summary(), Translator("zh"))
    assert has_key(body, "savings-empty")
    assert "还没有优惠购票记录" in all_text(body)


def test_purchases_this_year_are_listed_and_totalled() -> None:
    member = demo_member()
    member.buy(ticket("r1", NOW - 86_400, 2295))
    member.buy(ticket("r2", NOW - 3600, 3150, CardKind.FAMILY))
    member.buy(ticket("old", NOW - 2 * YEAR, 2295))
    body = savings_list(member.services.savings.summary(), Translator("zh"))
    total = all_text(find(body, "savings-total"))
    assert "2026年已节省" in total
    assert "¥35.55" in total  # (45.00 - 22.95) + (45.00 - 31.50)
    assert "共 2 张优惠票" in total
    assert has_key(body, "redemption-r1") and has_key(body, "redemption-r2")
    assert not has_key(body, "redemption-old")
    assert "家属" in all_text(find(body, "redemption-r2"))
