"""The signed trust list and status list: re-signed on every change, stored with versions."""

from __future__ import annotations

import base64

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.trust import (
    Status,
    StatusList,
    TrustList,
    open_status_list,
    open_trust_list,
    sign_status_list,
    sign_trust_list,
)
from app.verify import Verifier
from district.cards import keyring
from district.errors import NotInitialized
from district.feed import changelog
from district.registry import towns
from district.tables import Card, ListHead, SignedList

TRUST, STATUS = "trust", "status"
CARD_STATUS = {"valid": Status.VALID, "revoked": Status.REVOKED, "suspended": Status.SUSPENDED}


def next_version(session: Session, kind: str) -> int:
    """Bump the list's counter row; on PostgreSQL the row lock serializes concurrent signers."""
    version = session.execute(update(ListHead).where(ListHead.kind == kind)
                              .values(version=ListHead.version + 1)
                              .returning(ListHead.version)).scalar()
    if version is None:
        session.execute(insert(ListHead).values(kind=kind, version=1))
        return 1
    return int(version)


def _store(session: Session, kind: str, version: int, now: int, data: bytes) -> SignedList:
    """Keep the newly signed list and put it in the public sync feed, so phones and windows
    renew their pinned lists by sync (before any card that needs the new list)."""
    row = SignedList(kind=kind, version=version, issued_at=now, data=data)
    session.add(row)
    session.flush()
    changelog.log_change(session, changelog.PUBLIC, "list", kind, changelog.UPSERT,
                         fields={"kind": kind, "version": version, "issued_at": now,
                                 "data": base64.b64encode(data).decode("ascii")})
    return row


def sign_trust(session: Session, keys: keyring.KeyRing, now: int) -> SignedList:
    version = next_version(session, TRUST)
    trust = TrustList(version, now, tuple(keyring.trusted_issuers(session, now)))
    return _store(session, TRUST, version, now, sign_trust_list(trust, keys.root(session)))


def card_statuses(session: Session) -> dict[int, Status]:
    """Every card that is not valid, by serial."""
    rows = session.execute(select(Card.serial, Card.status).where(Card.status != "valid"))
    return {serial: CARD_STATUS[status] for serial, status in rows}


def sign_status(session: Session, keys: keyring.KeyRing, now: int) -> SignedList:
    version = next_version(session, STATUS)
    size = towns.status_size(session)
    bits = StatusList.empty(size).with_statuses(card_statuses(session), version, now, size)
    return _store(session, STATUS, version, now, sign_status_list(bits, keys.root(session)))


def current(session: Session, kind: str) -> SignedList:
    """The newest signed list of `kind` ("trust" or "status")."""
    row = session.scalars(select(SignedList).where(SignedList.kind == kind)
                          .order_by(SignedList.version.desc()).limit(1)).first()
    if row is None:
        raise NotInitialized("尚无已签名的名单：请先运行 init",
                             f"no signed {kind} list yet: run init first")
    return row


def root_public(session: Session) -> bytes:
    return keyring.root_row(session).public_key


def opened(session: Session) -> tuple[TrustList, StatusList]:
    """The current lists, verified against the district's own root public key."""
    root = root_public(session)
    return (open_trust_list(current(session, TRUST).data, root),
            open_status_list(current(session, STATUS).data, root))


def verifier(session: Session, spot_id: str | None = None) -> Verifier:
    """A window's verifier holding exactly what the district serves now (no usage ledger)."""
    trust, status = opened(session)
    return Verifier(trust, status, spot_id=spot_id)
