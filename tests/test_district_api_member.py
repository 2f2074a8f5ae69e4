"""The member's phone API (me, cards, family) and revocation, through a real uvicorn on loopback."""

from __future__ import annotations

import pytest

from app.card import decode_claims
from app.cose import decode_sign1
from app.models import CardKind
from app.verify import Reason
from district.cards import issuance
from district.phones import devices, family
from district.registry import people
from tests.api_support import Phone, Server, b64d

SPOUSE = {"name": "王喆", "relation": "配偶", "id_last4": "5208"}


def activated(server: Server, member_no: str = "WZ1") -> Phone:
    phone = server.phone()
    answer = phone.activate(member_no, server.code(member_no))
    assert answer.status_code == 200, answer.text
    return phone


def approve(server: Server, member_no: str, number: int) -> None:
    with server.district.sessions.begin() as session:
        family.approve_family(session, server.district.keys(), member_no, number, "clerk",
                              int(server.clock()))


def test_me_shows_the_member_with_a_masked_number_titles_and_cards(server: Server) -> None:
    me = activated(server).get("/me").json()
    assert (me["role"], me["name"], me["union"], me["member_no_masked"]) == (
        "member", "陈建国", "木渎精工机械工会", "W**")
    assert me["titles"] == ["蓝领之星", "劳动模范"]
    assert [(c["kind"], c["on_this_phone"]) for c in me["cards"]] == [("member", True)]
    assert me["family"] == []


def test_a_token_reaches_only_its_own_member(server: Server) -> None:
    mine, theirs = activated(server, "WZ1"), activated(server, "WZ2")
    assert theirs.send("POST", "/family", SPOUSE).status_code == 201
    assert mine.get("/me").json()["name"] == "陈建国"
    assert mine.send("DELETE", "/family/1").status_code == 404
    assert theirs.get("/me").json()["family"][0]["state"] == "pending"
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic eA=="}):
        for path in ("/api/v1/me", "/api/v1/cards"):
            answer = server.http.get(path, headers=headers)
            assert answer.status_code == 401 and answer.json()["error"] == "unauthorized"
        posted = server.http.post("/api/v1/family", json=SPOUSE, headers=headers)
        assert posted.status_code == 401


def test_a_family_card_appears_on_the_member_phone_once_approved_and_verifies(
        server: Server) -> None:
    phone = activated(server)
    asked = phone.send("POST", "/family", SPOUSE)
    assert asked.status_code == 201 and asked.json()["state"] == "pending"
    assert phone.get("/cards").json()["family_cards"] == []
    approve(server, "WZ1", asked.json()["number"])
    [card] = phone.get("/cards").json()["family_cards"]
    claims = decode_claims(decode_sign1(b64d(card)).payload)
    assert (claims.kind, claims.name, claims.holder_key) == (CardKind.FAMILY, "王喆",
                                                             phone.key.public_raw)
    verdict = phone.verify(card)
    assert (verdict.reason, verdict.kind) == (Reason.OK, CardKind.FAMILY)
    assert phone.get("/me").json()["family"][0]["state"] == "approved"


def test_withdrawing_a_family_member_revokes_their_card(server: Server) -> None:
    phone = activated(server)
    number = phone.send("POST", "/family", SPOUSE).json()["number"]
    approve(server, "WZ1", number)
    [card] = phone.get("/cards").json()["family_cards"]
    withdrawn = phone.send("DELETE", f"/family/{number}")
    assert withdrawn.status_code == 200 and len(withdrawn.json()["revoked"]) == 1
    assert phone.verify(card).reason is Reason.REVOKED
    assert phone.get("/cards").json()["family_cards"] == []
    assert phone.get("/me").json()["family"][0]["state"] == "withdrawn"
    assert phone.send("DELETE", f"/family/{number}").status_code == 409


def test_the_family_limit_is_a_clear_409_and_withdrawn_ones_free_a_place(server: Server) -> None:
    phone = activated(server)
    answers = [phone.send("POST", "/family", {**SPOUSE, "name": f"家属{i}"}).status_code
               for i in range(5)]
    over = phone.send("POST", "/family", SPOUSE)
    assert answers == [201, 201, 201, 201, 409]
    assert over.json()["error"] == "conflict" and "最多 4 位家属" in over.json()["message"]
    assert phone.send("DELETE", "/family/2").status_code == 200
    assert phone.send("POST", "/family", SPOUSE).json()["number"] == 5


def test_a_family_member_activates_their_own_phone_with_their_own_code(server: Server) -> None:
    member = activated(server)
    approve(server, "WZ1", member.send("POST", "/family", SPOUSE).json()["number"])
    [shown] = member.get("/cards").json()["family_cards"]
    spouse = server.phone()
    answer = spouse.activate("WZ1", server.code("WZ1", family_no=1))
    assert answer.status_code == 200, answer.text
    assert answer.json()["role"] == "family"
    assert spouse.verify(answer.json()["card"]).reason is Reason.OK
    assert member.verify(shown).reason is Reason.REVOKED
    assert member.get("/cards").json()["family_cards"] == []
    assert spouse.get("/me").json()["name"] == "王喆"
    assert spouse.send("POST", "/family", SPOUSE).status_code == 403


def test_a_new_phone_takes_the_family_cards_shown_from_the_old_one(server: Server) -> None:
    first = activated(server)
    approve(server, "WZ1", first.send("POST", "/family", SPOUSE).json()["number"])
    [old] = first.get("/cards").json()["family_cards"]
    second = activated(server)
    [moved] = second.answer["family_cards"]
    assert decode_claims(decode_sign1(b64d(moved)).payload).holder_key == second.key.public_raw
    assert (second.verify(moved).reason, first.verify(old).reason) == (Reason.OK,
                                                                       Reason.REVOKED)


def test_a_revoked_card_is_revoked_in_the_served_status_list(server: Server) -> None:
    phone = activated(server)
    card = phone.answer["card"]
    serial = decode_claims(decode_sign1(b64d(card)).payload).serial
    before = server.http.get("/api/v1/lists/status").json()["version"]
    with server.district.sessions.begin() as session:
        issuance.revoke(session, server.district.keys(), serial, "lost", "clerk",
                        int(server.clock()))
    after = server.http.get("/api/v1/lists/status").json()
    assert after["version"] == before + 1
    assert phone.verify(card).reason is Reason.REVOKED


def test_a_lost_phone_loses_its_token_and_every_card_on_it(server: Server) -> None:
    phone = activated(server)
    approve(server, "WZ1", phone.send("POST", "/family", SPOUSE).json()["number"])
    [family_card] = phone.get("/cards").json()["family_cards"]
    with server.district.sessions.begin() as session:
        revoked = devices.revoke_device(session, server.district.keys(),
                                        phone.answer["device_id"], "lost", "clerk",
                                        int(server.clock()))
    assert len(revoked) == 2
    assert phone.get("/me").status_code == 401
    assert phone.verify(phone.answer["card"]).reason is Reason.REVOKED
    assert phone.verify(family_card).reason is Reason.REVOKED


def test_automatic_approval_issues_the_family_card_at_once(server: Server) -> None:
    phone = activated(server)
    with server.district.sessions.begin() as session:
        state = family.request_family(session, server.district.keys(), "WZ1", "陈晨", "子女",
                                      "0420", actor="t", now=int(server.clock()),
                                      auto_approve=True)
    assert state.state == "approved" and state.card_serial is not None
    assert len(phone.get("/cards").json()["family_cards"]) == 1


def test_a_code_for_a_pending_family_member_is_refused(server: Server) -> None:
    phone = activated(server)
    phone.send("POST", "/family", SPOUSE)
    with server.district.sessions.begin() as session:
        assert people.family_number(session, people.member_by_no(session, "WZ1"),
                                    1).status == people.PENDING
    with pytest.raises(Exception, match="not approved"):
        server.code("WZ1", family_no=1)


def test_the_signed_lists_are_public_and_the_api_is_documented(server: Server) -> None:
    paths = server.http.get("/openapi.json").json()["paths"]
    assert {"/api/v1/activate", "/api/v1/me", "/api/v1/cards", "/api/v1/family",
            "/api/v1/family/{number}", "/api/v1/lists/trust"} <= set(paths)
    for kind in ("trust", "status"):
        answer = server.http.get(f"/api/v1/lists/{kind}").json()
        assert (answer["kind"], answer["version"]) == (kind, 1)
        assert b64d(answer["data"])[:1] == b"\xd2"  # CBOR tag 18: COSE_Sign1
