"""The district's tables (SQLAlchemy 2 typed models). Times are Unix seconds; money is fen.

The schema itself is created only by the Alembic migrations in `district/migrations/`;
a test checks that the migrations and these models agree.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

TITLE_SEPARATOR = ";"


class Base(DeclarativeBase):
    """The district's tables; the schema itself is built by the Alembic migrations."""


class Meta(Base):
    """District-wide settings, e.g. the salt of the key vault."""

    __tablename__ = "district_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Town(Base):
    """A town, street (街道) or development zone; each issues cards from its own serial range."""

    __tablename__ = "towns"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    position: Mapped[int]
    serial_lo: Mapped[int] = mapped_column(BigInteger)
    serial_hi: Mapped[int] = mapped_column(BigInteger)
    next_serial: Mapped[int] = mapped_column(BigInteger)


class Union(Base):
    """A grassroots union (基层工会), e.g. an enterprise's union, within a town."""

    __tablename__ = "unions"
    __table_args__ = (UniqueConstraint("town_id", "name", name="uq_unions_town_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    town_id: Mapped[str] = mapped_column(ForeignKey("towns.id"))
    name: Mapped[str] = mapped_column(String(128))


class Member(Base):
    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    id_last4: Mapped[str] = mapped_column(String(4))
    town_id: Mapped[str] = mapped_column(ForeignKey("towns.id"))
    union_id: Mapped[int] = mapped_column(ForeignKey("unions.id"), index=True)
    titles: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[int] = mapped_column(BigInteger)

    @property
    def title_list(self) -> tuple[str, ...]:
        return tuple(t for t in self.titles.split(TITLE_SEPARATOR) if t)


class FamilyMember(Base):
    __tablename__ = "family_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    relation: Mapped[str] = mapped_column(String(16))
    id_last4: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[int] = mapped_column(BigInteger)


class Cadre(Base):
    """A district cadre (机关干部) with "五个一" duties: a key enterprise to visit and a
    model-worker mentor — a member (`mentor_member_id`) or, outside the registry, a name.
    Needy workers are assigned in their files (`district.cadres.tables`). `left_at` is set when
    the cadre leaves (their phone stops syncing; their records stay). Periods that ended before
`serving_from` (the day they were added) do not count against them."""

    __tablename__ = "cadres"
    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    department: Mapped[str] = mapped_column(String(64))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("key_enterprises.id"))
    mentor_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    mentor_name: Mapped[str | None] = mapped_column(String(64))
    left_at: Mapped[int | None] = mapped_column(BigInteger)
    serving_from: Mapped[int | None]  # China day number the duties start to count from


class Spot(Base):
    __tablename__ = "spots"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    company: Mapped[str] = mapped_column(String(64))
    town: Mapped[str] = mapped_column(String(64))


class Ticket(Base):
    """A ticket for one spot or a package; `spot_ids` separated by ';', rates in basis points."""

    __tablename__ = "tickets"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    spot_ids: Mapped[str] = mapped_column(String(255))
    list_fen: Mapped[int]
    member_bp: Mapped[int]
    family_bp: Mapped[int]
    group_bp: Mapped[int]
    rounding: Mapped[int]


class SigningKey(Base):
    """The root key (town_id None) or a town issuer key; the private half sealed by the vault."""

    __tablename__ = "signing_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(8))
    town_id: Mapped[str | None] = mapped_column(ForeignKey("towns.id"))
    kid: Mapped[bytes] = mapped_column(LargeBinary(8), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    private_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    not_before: Mapped[int] = mapped_column(BigInteger)
    not_after: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[int] = mapped_column(BigInteger)
    active: Mapped[bool]


class SignedList(Base):
    """Every signed trust list and status list, kept by version; the newest is served."""

    __tablename__ = "signed_lists"
    __table_args__ = (UniqueConstraint("kind", "version", name="uq_signed_lists_kind_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    version: Mapped[int]
    issued_at: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ListHead(Base):
    """The version counter of a list kind, updated in the signing transaction (serializes)."""

    __tablename__ = "list_heads"
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    version: Mapped[int]


class Card(Base):
    __tablename__ = "cards"
    serial: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family_members.id"))
    kind: Mapped[int]
    primary_serial: Mapped[int | None] = mapped_column(BigInteger)
    town_id: Mapped[str] = mapped_column(ForeignKey("towns.id"))
    issuer_kid: Mapped[bytes] = mapped_column(LargeBinary(8))
    holder_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    issued_at: Mapped[int] = mapped_column(BigInteger)
    exp: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    replaced_by: Mapped[int | None] = mapped_column(BigInteger)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger)
    revoke_reason: Mapped[str | None] = mapped_column(String(255))
    cose: Mapped[bytes] = mapped_column(LargeBinary)


Index("ix_cards_status", Card.status)


class AttemptLock(Base):
    """One row per member number, user name or client address that tried a code or a password
    (`key` such as "member:WZ1", "address:10.0.0.7"). Every attempt upserts its rows, which
    locks them for its transaction, before it counts the failures: concurrent attempts, on any
    server instance, count one after another (`district.db.lock_attempts`)."""

    __tablename__ = "attempt_locks"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    touched_at: Mapped[int] = mapped_column(BigInteger, index=True)


class AuditEntry(Base):
    """Who did what, when: every issuance, revocation, import and key change."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[int] = mapped_column(BigInteger, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(128))
    details: Mapped[str] = mapped_column(Text)
