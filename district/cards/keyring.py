"""The district root key and the town issuer keys (SPEC §4), sealed at rest by the vault.

`certify_town` gives a town a new issuer key: its first, or a rotation. A rotated-out key stays
in the trust list until its `not_after`, so the cards it signed stay valid until they expire.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.keys import KeyPair
from app.trust import Issuer
from district import audit
from district.cards.vault import Vault, new_salt
from district.errors import NotFound, NotInitialized
from district.tables import Meta, SigningKey, Town

ROOT, ISSUER = "root", "issuer"
SALT_KEY = "vault_salt"
ISSUER_YEARS = 10
YEAR = 365 * 86_400


class KeyRing:
    """Opens sealed private keys on demand and keeps them in memory for this process only."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self._open: dict[bytes, KeyPair] = {}

    def pair(self, row: SigningKey) -> KeyPair:
        pair = self._open.get(row.kid)
        if pair is None:
            pair = KeyPair.from_private(self.vault.open(row.private_sealed, row.public_key))
            self._open[row.kid] = pair
        return pair

    def root(self, session: Session) -> KeyPair:
        return self.pair(root_row(session))

    def issuer(self, session: Session, town_id: str) -> tuple[SigningKey, KeyPair]:
        row = active_issuer(session, town_id)
        return row, self.pair(row)


def vault_salt(session: Session, create: bool = False) -> bytes:
    meta = session.get(Meta, SALT_KEY)
    if meta is None:
        if not create:
            raise NotInitialized("区总工会尚未初始化：请先运行 init",
                                 "the district is not initialized: run init first")
        meta = Meta(key=SALT_KEY, value=new_salt().hex())
        session.add(meta)
    return bytes.fromhex(meta.value)


def is_initialized(session: Session) -> bool:
    return session.get(Meta, SALT_KEY) is not None


def _store(session: Session, keys: KeyRing, role: str, town_id: str | None, now: int,
           years: int) -> SigningKey:
    pair = KeyPair.generate()
    row = SigningKey(role=role, town_id=town_id, kid=pair.kid, public_key=pair.public_raw,
                     private_sealed=keys.vault.seal(pair.private_raw, pair.public_raw),
                     not_before=now, not_after=now + years * YEAR, created_at=now, active=True)
    session.add(row)
    session.flush()
    return row


def create_root(session: Session, keys: KeyRing, now: int, actor: str) -> SigningKey:
    row = _store(session, keys, ROOT, None, now, 30)
    audit.record(session, actor, "root_key.create", "district", {"kid": row.kid.hex()}, now)
    return row


def root_row(session: Session) -> SigningKey:
    row = session.scalars(select(SigningKey).where(SigningKey.role == ROOT,
                                                   SigningKey.active)).first()
    if row is None:
        raise NotInitialized("区总工会尚未初始化：没有根密钥，请先运行 init",
                             "the district has no root key: run init first")
    return row


def certify_town(session: Session, keys: KeyRing, town_id: str, now: int,
                 actor: str) -> SigningKey:
    """A new issuer key for the town; the previous one stops signing but stays trusted."""
    retired = session.execute(
        update(SigningKey).where(SigningKey.town_id == town_id, SigningKey.active)
        .values(active=False).returning(SigningKey.kid)).scalars().all()
    row = _store(session, keys, ISSUER, town_id, now, ISSUER_YEARS)
    action = "issuer_key.rotate" if retired else "issuer_key.create"
    audit.record(session, actor, action, town_id,
                 {"kid": row.kid.hex(), "retired": [k.hex() for k in retired]}, now)
    return row


def active_issuer(session: Session, town_id: str) -> SigningKey:
    row = session.scalars(select(SigningKey).where(SigningKey.town_id == town_id,
                                                   SigningKey.active)).first()
    if row is None:
        raise NotFound(f"该镇还没有发卡密钥：{town_id}", f"the town has no issuer key: {town_id}")
    return row


def trusted_issuers(session: Session, now: int) -> list[Issuer]:
    """Every issuer key not yet past its not_after, with its town's serial range."""
    rows = session.execute(
        select(SigningKey, Town).join(Town, SigningKey.town_id == Town.id)
        .where(SigningKey.role == ISSUER, SigningKey.not_after >= now)
        .order_by(Town.position, SigningKey.id)).all()
    return [Issuer(town.id, f"{town.name}总工会", key.public_key, key.not_before, key.not_after,
                   town.serial_lo, town.serial_hi) for key, town in rows]
