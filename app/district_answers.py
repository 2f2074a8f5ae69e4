"""Checking what the district sends before anything on the phone changes: the signed lists
against the pinned root key, and a card against this phone's key and a window's checks."""

from __future__ import annotations

from app.card import phone_qr_payload, present
from app.district_errors import ActivationRefused
from app.keys import KeyPair
from app.models import CardKind, Pinned
from app.qrtext import encode_qr_text
from app.trust import ListError, open_status_list, open_trust_list
from app.verify import Verifier
from app.wallet import read_claims


def damaged(what_zh: str, what_en: str) -> ActivationRefused:
    return ActivationRefused(f"区总工会服务器返回的{what_zh}未通过验证，请联系所在工会",
                             f"The {what_en} from the district server did not verify; "
                             "please contact your union", "damaged")


def open_lists(pinned: Pinned) -> Verifier:
    """A verifier over lists that must be signed by the pinned root; raises ActivationRefused."""
    if pinned.trust_list is None or pinned.status_list is None:
        raise damaged("名单", "lists")
    try:
        trust = open_trust_list(pinned.trust_list, pinned.root_public_key)
        status = open_status_list(pinned.status_list, pinned.root_public_key)
    except ListError as exc:
        raise damaged("名单", "lists") from exc
    return Verifier(trust, status)


def check_card(cose: bytes, key: KeyPair, verifier: Verifier, at: float) -> CardKind:
    """The card is bound to this phone's key and passes a window's checks; returns its kind."""
    try:
        claims = read_claims(cose)
    except ValueError as exc:
        raise damaged("卡片", "card") from exc
    if claims.holder_key != key.public_raw:
        raise ActivationRefused("区总工会服务器返回的卡片绑定在另一部手机上，未保存",
                                "The card from the district is bound to another phone; "
                                "it was not saved", "wrong_holder")
    qr = encode_qr_text(phone_qr_payload(cose, present(cose, key, at)))
    if not verifier.verify(qr, at).valid:
        raise damaged("卡片", "card")
    return claims.kind
