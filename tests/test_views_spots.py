"""Scenic spots: list, member and family prices for the 20 spots; packages marked."""

from __future__ import annotations

from tests.views_support import all_text, demo_member, find, has_key, walk
from views.services import Translator
from views.spots import spots_list


def test_every_ticket_is_listed_with_its_three_prices() -> None:
    member = demo_member()
    rows = member.services.catalog.price_rows()
    body = spots_list(rows, Translator("zh"))
    assert len(rows) == 21
    for row in rows:
        assert has_key(body, f"ticket-{row.ticket.id}")
    shown = all_text(body)
    assert "启园门票" in shown
    assert {"门市价", "会员价", "家属价"} <= set(shown.splitlines())


def test_the_mudu_package_is_marked_and_priced_as_the_spec_works_it_out() -> None:
    member = demo_member()
    body = spots_list(member.services.catalog.price_rows(), Translator("zh"))
    package = find(body, "ticket-mudu-4")
    shown = all_text(package)
    assert has_key(package, "package-mudu-4")
    for expected in ("联票", "¥78.00", "¥39.78", "¥54.60", "严家花园"):
        assert expected in shown


def test_packages_come_first_and_single_tickets_are_not_marked() -> None:
    member = demo_member()
    body = spots_list(member.services.catalog.price_rows(), Translator("zh"))
    keys = [str(c.key) for c in walk(body) if str(c.key).startswith("ticket-")]
    assert keys[0] == "ticket-mudu-4"
    assert not has_key(body, "package-qiyuan-1")


def test_english_uses_the_english_spot_names() -> None:
    member = demo_member()
    shown = all_text(spots_list(member.services.catalog.price_rows(), Translator("en")))
    assert "Qi Garden ticket" in shown and "Member" in shown


def test_no_catalogue_yet_gives_an_empty_state() -> None:
    assert has_key(spots_list([], Translator("zh")), "spots-empty")
