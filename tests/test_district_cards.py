"""Issuing, replacing and revoking cards; printed static cards; serials; the audit log."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select, update

from app.card import decode_claims
from app.cose import decode_sign1
from app.keys import KeyPair
from app.models import CardKind
from app.qrtext import encode_qr_text
from app.verify import Reason
from district import audit
from district.cards import issuance, lists, printing
from district.errors import Conflict
from district.registry import people
from district.registry.importer import import_members
from district.service import District
from district.tables import Card, Member, Town
from tests.district_support import csv_bytes
from tests.fakes import NOW
from tests.kit import phone_text

ROWS = ("WZ1,陈建国,3317,WZ-MD,木渎精工工会,蓝领之星,", "WZ2,王秀英,1234,WZ-DS,东山工会,,",
        "WZ3,李明,0001,WZ-MD,木渎精工工会,,suspended")


@pytest.fixture
def registered(district: District) -> District:
    with district.sessions.begin() as session:
        import_members(session, csv_bytes(*ROWS), "t", NOW)
        people.add_family(session, people.member_by_no(session, "WZ1"), "王喆", "配偶", "5208",
                          NOW)
    return district


def verdict_of(d: District, text: str, at: int = NOW + 60) -> Reason:
    with d.sessions() as session:
        return lists.verifier(session).verify(text, at).reason


def test_a_static_card_png_decodes_and_verifies_as_a_static_card(registered: District) -> None:
    with registered.sessions.begin() as session:
        card = printing.static_card(session, registered.keys(), "WZ1", None, "t", NOW).card
        verifier = lists.verifier(session)
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(printing.png(card))))
    verdict = verifier.verify(decoded.text, NOW + 60)
    assert decoded.text == printing.payload_text(card)
    assert verdict.valid and verdict.static and verdict.check_id
    assert (verdict.name, verdict.serial, verdict.claims.titles) == ("陈建国", 100_000,  # type: ignore[union-attr]
                                                                     ("蓝领之星",))
    assert decoded.ec_level == "Q"


def test_a_phone_card_is_bound_to_the_holder_key(registered: District) -> None:
    phone = KeyPair.generate()
    with registered.sessions.begin() as session:
        member = people.member_by_no(session, "WZ2")
        card = issuance.issue_card(session, registered.keys(), member, actor="t", now=NOW,
                                   holder_key=phone.public_raw)
    claims = decode_claims(decode_sign1(card.cose).payload)
    assert (claims.holder_key, claims.issuer_id, card.serial) == (phone.public_raw, "WZ-DS",
                                                                  300_000)
    assert verdict_of(registered, phone_text(card.cose, phone, NOW + 60)) is Reason.OK
    assert verdict_of(registered, encode_qr_text(card.cose)) is Reason.PRESENTATION_MISSING


def test_revoking_re_signs_the_status_list_and_the_card_is_then_refused(
        registered: District) -> None:
    with registered.sessions.begin() as session:
        card = printing.static_card(session, registered.keys(), "WZ1", None, "t", NOW).card
        before = lists.current(session, lists.STATUS).version
        signed = issuance.revoke(session, registered.keys(), card.serial, "lost", "clerk", NOW + 10)
    assert signed.version == before + 1
    assert verdict_of(registered, printing.payload_text(card), NOW + 20) is Reason.REVOKED
    with registered.sessions.begin() as session, pytest.raises(Conflict, match="already revoked"):
        issuance.revoke(session, registered.keys(), card.serial, "again", "clerk", NOW + 30)


def test_replacing_a_member_card_re_issues_the_family_cards_that_depend_on_it(
        registered: District) -> None:
    with registered.sessions.begin() as session:
        old = printing.static_card(session, registered.keys(), "WZ1", None, "t", NOW).card
        family = printing.static_card(session, registered.keys(), "WZ1", 1, "t", NOW).card
        new = issuance.replace_card(session, registered.keys(), old.serial, None, "t", NOW + 10)
        cards = {c.serial: c for c in session.scalars(select(Card))}
    assert family.primary_serial == old.serial
    assert (cards[old.serial].status, cards[old.serial].replaced_by) == ("revoked", new.serial)
    again = cards[cards[family.serial].replaced_by or 0]
    assert (again.kind, again.primary_serial) == (int(CardKind.FAMILY), new.serial)
    assert verdict_of(registered, printing.payload_text(family)) is Reason.REVOKED
    assert verdict_of(registered, printing.payload_text(again)) is Reason.OK


def test_a_family_card_carries_none_of_the_member_titles(registered: District) -> None:
    """Issue 11.4: the spouse's card showed the member's 蓝领之星. Titles belong to the person:
    printed, on a phone, or re-issued when the member's card is replaced."""
    phone = KeyPair.generate()
    with registered.sessions.begin() as session:
        member = people.member_by_no(session, "WZ1")
        own = printing.static_card(session, registered.keys(), "WZ1", None, "t", NOW).card
        printed = printing.static_card(session, registered.keys(), "WZ1", 1, "t", NOW).card
        spouse = people.family_number(session, member, 1)
        on_phone = issuance.issue_card(session, registered.keys(), member, actor="t", now=NOW,
                                       holder_key=phone.public_raw, family=spouse)
        issuance.replace_card(session, registered.keys(), own.serial, None, "t", NOW + 10)
        again = session.get_one(Card, session.get_one(Card, printed.serial).replaced_by)
    claims = {name: decode_claims(decode_sign1(card.cose).payload)
              for name, card in (("own", own), ("printed", printed), ("on_phone", on_phone),
                                 ("again", again))}
    assert claims["own"].titles == ("蓝领之星",)
    for name in ("printed", "on_phone", "again"):
        assert (claims[name].kind, claims[name].name) == (CardKind.FAMILY, "王喆")
        assert claims[name].titles == (), name


def test_a_family_card_needs_the_member_own_card_and_an_active_member(
        registered: District) -> None:
    with registered.sessions.begin() as session, pytest.raises(Conflict, match="first"):
        printing.static_card(session, registered.keys(), "WZ1", 1, "t", NOW)
    with registered.sessions.begin() as session, pytest.raises(Conflict, match="suspended"):
        printing.static_card(session, registered.keys(), "WZ3", None, "t", NOW)


def test_serials_are_never_reused_and_a_used_up_range_is_refused(registered: District) -> None:
    with registered.sessions.begin() as session:
        first = issuance.allocate_serials(session, "WZ-MD", 10)
        second = issuance.allocate_serials(session, "WZ-MD", 5)
        session.execute(update(Town).where(Town.id == "WZ-MD").values(next_serial=199_999))
        last = issuance.allocate_serials(session, "WZ-MD", 1)
    assert (first, second, last) == (range(100_000, 100_010), range(100_010, 100_015),
                                     range(199_999, 200_000))
    with registered.sessions.begin() as session, pytest.raises(Conflict, match="used up"):
        issuance.allocate_serials(session, "WZ-MD", 1)


def test_bulk_issuance_signs_every_card_and_logs_each_town_batch(registered: District) -> None:
    with registered.sessions.begin() as session:
        members = list(session.scalars(select(Member).where(Member.status == "active")))
        serials = issuance.issue_member_cards(session, registered.keys(), members, actor="bulk",
                                              now=NOW)
        cards = list(session.scalars(select(Card).order_by(Card.serial)))
        batches = audit.recent(session, action="card.issue_batch")
    assert sorted(serials) == [100_000, 300_000]
    assert all(verdict_of(registered, printing.payload_text(c)) is Reason.OK for c in cards)
    assert sorted((e.subject, e.actor) for e in batches) == [("WZ-DS", "bulk"), ("WZ-MD", "bulk")]


def test_every_issuance_and_revocation_is_audited_with_who_and_when(registered: District) -> None:
    with registered.sessions.begin() as session:
        card = printing.static_card(session, registered.keys(), "WZ2", None, "clerk-a",
                                    NOW).card
        issuance.revoke(session, registered.keys(), card.serial, "lost", "clerk-b", NOW + 5)
        entries = audit.recent(session, limit=2)
    assert [(e.action, e.actor, e.at, e.subject) for e in entries] == [
        ("card.revoke", "clerk-b", NOW + 5, str(card.serial)),
        ("card.issue", "clerk-a", NOW, str(card.serial))]
    assert audit.details_of(entries[0]) == {"reason": "lost"}


def _valid_printed(d: District, member_no: str) -> list[int]:
    with d.sessions() as session:
        member = people.member_by_no(session, member_no)
        return list(session.scalars(select(Card.serial).where(
            Card.member_id == member.id, Card.holder_key.is_(None), Card.status == "valid")
            .order_by(Card.serial)))


def test_printing_again_prints_the_persons_card_and_a_changed_person_gets_a_new_one(
        registered: District) -> None:
    keys = registered.keys()
    with registered.sessions.begin() as session:
        first = printing.static_card(session, keys, "WZ1", None, "t", NOW)
        again = printing.static_card(session, keys, "WZ1", None, "t", NOW + 10)
        wife = printing.static_card(session, keys, "WZ1", 1, "t", NOW + 10)
        wife_again = printing.static_card(session, keys, "WZ1", 1, "t", NOW + 20)
    assert (first.new, again.new, again.card.serial) == (True, False, first.card.serial)
    assert (wife_again.new, wife_again.card.serial) == (False, wife.card.serial)
    assert _valid_printed(registered, "WZ1") == [first.card.serial, wife.card.serial]
    with registered.sessions.begin() as session:  # a new title: the card must say it
        import_members(session, csv_bytes("WZ1,陈建国,3317,WZ-MD,木渎精工工会,蓝领之星;劳动模范,"),
                       "t", NOW + 30)
        renewed = printing.static_card(session, keys, "WZ1", None, "t", NOW + 40)
        wife_now = printing.static_card(session, keys, "WZ1", 1, "t", NOW + 40)
    assert renewed.new and renewed.replaced == (first.card.serial,)
    assert verdict_of(registered, printing.payload_text(first.card)) is Reason.REVOKED
    assert verdict_of(registered, printing.payload_text(renewed.card)) is Reason.OK
    # her card named his old one as primary: it was printed anew with his new card
    assert (wife_now.new, wife_now.card.primary_serial) == (False, renewed.card.serial)
    assert _valid_printed(registered, "WZ1") == sorted([renewed.card.serial,
                                                        wife_now.card.serial])


def test_a_printed_card_about_to_run_out_is_printed_anew(registered: District) -> None:
    keys = registered.keys()
    with registered.sessions.begin() as session:
        first = printing.static_card(session, keys, "WZ2", None, "t", NOW).card
        late = first.exp - printing.RENEW_BEFORE + 60
        renewed = printing.static_card(session, keys, "WZ2", None, "t", late)
    assert renewed.new and renewed.replaced == (first.serial,)
    assert renewed.card.exp > first.exp and _valid_printed(registered, "WZ2") == [
        renewed.card.serial]


def test_printed_cards_issued_over_and_over_before_are_brought_down_to_one(
        registered: District) -> None:
    """What the `card` command used to do: every run another valid printed card."""
    keys = registered.keys()
    with registered.sessions.begin() as session:
        member = people.member_by_no(session, "WZ1")
        made = [issuance.issue_card(session, keys, member, actor="t", now=NOW + n)
                for n in range(3)]
        printed = printing.static_card(session, keys, "WZ1", None, "t", NOW + 10)
    assert (printed.new, printed.card.serial) == (False, made[-1].serial)
    assert printed.replaced == (made[1].serial, made[0].serial)
    assert [verdict_of(registered, printing.payload_text(c)) for c in made] == [
        Reason.REVOKED, Reason.REVOKED, Reason.OK]
    assert _valid_printed(registered, "WZ1") == [made[-1].serial]


def test_bulk_printing_gives_no_second_card_to_a_member_who_holds_one(
        registered: District) -> None:
    with registered.sessions.begin() as session:
        held = printing.static_card(session, registered.keys(), "WZ1", None, "t", NOW).card
        members = list(session.scalars(select(Member).where(Member.status == "active")))
        serials = issuance.issue_member_cards(session, registered.keys(), members, actor="bulk",
                                              now=NOW)
    assert serials == _valid_printed(registered, "WZ2")
    assert _valid_printed(registered, "WZ1") == [held.serial]
