"""A device key belongs to the device that holds it, for one person: activation and window
enrollment must be signed by the key, a key never serves two people or two working devices,
and revoking a lost phone touches only its own person's cards. Real uvicorn, SQLite and
PostgreSQL."""

from __future__ import annotations

from collections import Counter
from functools import partial

from app.keys import KeyPair
from app.verify import Reason
from district.cards import issuance
from district.phones import devices
from district.registry import people
from tests.api_support import Phone, Server, activation_body, at_once, b64e, window_body
from tests.district_window_support import window_code, with_catalog


def _copying(server: Server, victim: Phone, member_no: str) -> dict[str, str]:
    """An activation that sends the victim's public key (read from their QR code), signed by
    the attacker's own key — the only signature the attacker can make."""
    body = activation_body(KeyPair.generate(), member_no, server.code(member_no))
    return {**body, "public_key": b64e(victim.key.public_raw)}


def test_a_key_copied_from_another_members_qr_code_binds_nothing(server: Server) -> None:
    victim = server.phone()
    assert victim.activate("WZ1", server.code("WZ1")).status_code == 200
    answer = server.http.post("/api/v1/activate", json=_copying(server, victim, "WZ2"))
    assert (answer.status_code, answer.json()["error"]) == (403, "invalid_signature")
    assert "签名" in answer.json()["message"]
    assert victim.verify(victim.answer["card"]).reason is Reason.OK
    assert victim.get("/me").status_code == 200


def test_an_unsigned_or_garbled_signature_is_refused_and_keeps_the_code(server: Server) -> None:
    phone, code = server.phone(), server.code("WZ2")
    body = activation_body(phone.key, "WZ2", code)
    other_code = activation_body(phone.key, "WZ2", "AAAA-AAAA")["signature"]
    for signature, status in (("not base64!", 422), ("AAAA", 422), (other_code, 403)):
        answer = server.http.post("/api/v1/activate", json={**body, "signature": signature})
        assert (answer.status_code, answer.json()["error"]) == (status, "invalid_signature")
    missing = server.http.post("/api/v1/activate", json={
        k: v for k, v in body.items() if k != "signature"})
    assert missing.status_code == 422
    assert phone.activate("WZ2", code).status_code == 200


def test_one_phone_key_cannot_hold_two_peoples_cards(server: Server) -> None:
    first = server.phone()
    assert first.activate("WZ1", server.code("WZ1")).status_code == 200
    same_key = Phone(server, first.key)
    answer = same_key.activate("WZ2", server.code("WZ2"))
    assert (answer.status_code, answer.json()["error"]) == (409, "key_in_use")
    spouse_on_it = same_key.activate("WZ1", _family_code(server, "WZ1"))
    assert (spouse_on_it.status_code, spouse_on_it.json()["error"]) == (409, "key_in_use")
    assert first.verify(first.answer["card"]).reason is Reason.OK
    again = same_key.activate("WZ1", server.code("WZ1"))  # the same person again: 补办 in place
    assert again.status_code == 200 and same_key.verify(again.json()["card"]).reason is Reason.OK


def _family_code(server: Server, member_no: str) -> str:
    server.add_family(member_no, "王芳")
    return server.code(member_no, family_no=1)


def test_one_key_racing_for_two_members_is_bound_to_one_of_them(server: Server) -> None:
    key = KeyPair.generate()
    bodies = [activation_body(key, no, server.code(no)) for no in ("WZ2", "WZ3")]
    answers = at_once([partial(server.http.post, "/api/v1/activate", json=b) for b in bodies])
    assert Counter(a.status_code for a in answers) == {200: 1, 409: 1}
    assert {a.json().get("error") for a in answers} == {None, "key_in_use"}


def test_revoking_a_lost_phone_revokes_only_its_own_persons_cards(server: Server) -> None:
    phone = server.phone()
    assert phone.activate("WZ1", server.code("WZ1")).status_code == 200
    now = int(server.clock())
    with server.district.sessions.begin() as session:  # a card bound to that key for someone
        other = issuance.issue_card(  # else, as a database from before the checks may hold
            session, server.district.keys(), people.member_by_no(session, "WZ2"),
            actor="test", now=now, holder_key=phone.key.public_raw)
        serial = other.serial
        revoked = devices.revoke_device(session, server.district.keys(),
                                        phone.answer["device_id"], "lost", "clerk", now)
    assert serial not in revoked and len(revoked) == 1
    with server.district.sessions() as session:
        assert issuance.get_card(session, serial).status == issuance.VALID
    assert phone.verify(phone.answer["card"]).reason is Reason.REVOKED


def test_a_window_must_sign_for_its_key_and_cannot_take_a_phones(server: Server) -> None:
    with_catalog(server)
    phone = server.phone()
    assert phone.activate("WZ1", server.code("WZ1")).status_code == 200
    code = window_code(server)
    forged = {**window_body(KeyPair.generate(), code), "public_key": b64e(phone.key.public_raw)}
    answer = server.http.post("/api/v1/windows/enroll", json=forged)
    assert (answer.status_code, answer.json()["error"]) == (403, "invalid_signature")
    taken = server.http.post("/api/v1/windows/enroll", json=window_body(phone.key, code))
    assert (taken.status_code, taken.json()["error"]) == (409, "key_in_use")
    assert server.http.post("/api/v1/windows/enroll",
                            json=window_body(KeyPair.generate(), code)).status_code == 200
