"""A small district for tests: a root, town issuers, devices and cards, all with real keys."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from app.card import CardClaims, issue_card, phone_qr_payload, present
from app.keys import KeyPair
from app.models import CardKind
from app.qrtext import encode_qr_text
from app.trust import Issuer, Status, StatusList, TrustList
from app.verify import UsageLedger, Verifier
from tests.fakes import DAY, NOW, YEAR


@dataclass
class Town:
    issuer_id: str
    key: KeyPair
    serial_lo: int
    serial_hi: int
    not_before: int = NOW - YEAR
    not_after: int = NOW + 5 * YEAR

    def certificate(self) -> Issuer:
        return Issuer(self.issuer_id, f"{self.issuer_id} 总工会", self.key.public_raw,
                      self.not_before, self.not_after, self.serial_lo, self.serial_hi)


@dataclass
class Kit:
    root: KeyPair = field(default_factory=KeyPair.generate)
    towns: dict[str, Town] = field(default_factory=dict)
    revoked: dict[int, Status] = field(default_factory=dict)
    lists_issued_at: int = NOW - 3600

    def __post_init__(self) -> None:
        self.add_town("WZ-MD", 100_000, 199_999)

    def add_town(self, issuer_id: str, lo: int, hi: int) -> Town:
        town = Town(issuer_id, KeyPair.generate(), lo, hi)
        self.towns[issuer_id] = town
        return town

    def claims(self, serial: int = 100_001, kind: CardKind = CardKind.MEMBER,
               holder: KeyPair | None = None, **changes: object) -> CardClaims:
        """A card's claims; each member card serial is its own member (100_001 is 陈建国,
        WZ2014012345), a family card is of its primary's member unless `member_no` is given."""
        family = kind is CardKind.FAMILY
        primary = changes.get("primary_serial", 100_001) if family else serial
        base = CardClaims(
            serial=serial, kind=kind, name="陈建国", member_no=member_no_of(primary),
            union="木渎镇精工机械工会", id_last4="3317", issuer_id="WZ-MD",
            iat=NOW - DAY, exp=NOW + YEAR, holder_key=holder.public_raw if holder else None,
            primary_serial=100_001 if kind is CardKind.FAMILY else None,
            relation="配偶" if kind is CardKind.FAMILY else None, titles=("蓝领之星",))
        return replace(base, **changes)  # type: ignore[arg-type]

    def card(self, claims: CardClaims, town: str = "WZ-MD") -> bytes:
        return issue_card(claims, self.towns[town].key)

    def trust(self) -> TrustList:
        issuers = tuple(t.certificate() for t in self.towns.values())
        return TrustList(1, self.lists_issued_at, issuers)

    def status(self) -> StatusList:
        return StatusList.empty(200_000, 1, self.lists_issued_at).with_statuses(
            self.revoked, 2, self.lists_issued_at)

    def verifier(self, spot_id: str | None = None, ledger: UsageLedger | None = None) -> Verifier:
        return Verifier(self.trust(), self.status(), spot_id=spot_id, ledger=ledger)


def member_no_of(serial: object) -> str:
    """The member number of the member whose own card has this serial."""
    return "WZ2014012345" if serial == 100_001 else f"WZ2015{serial:0>6}"


def phone_text(card: bytes, device: KeyPair, at: float = NOW) -> str:
    return encode_qr_text(phone_qr_payload(card, present(card, device, at)))


def static_text(card: bytes) -> str:
    return encode_qr_text(card)
