"""Plain domain records held on a device. Frozen dataclasses; money is integer fen."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class CardKind(enum.IntEnum):
    """SPEC §4 card map key 2."""

    MEMBER = 0
    FAMILY = 1


class PriceKind(enum.Enum):
    LIST = "list"
    MEMBER = "member"
    FAMILY = "family"
    GROUP = "group"


class Rounding(enum.IntEnum):
    """Rounding step in fen; prices round half up to it (SPEC §5)."""

    FEN = 1
    JIAO = 10
    YUAN = 100


@dataclass(frozen=True)
class Spot:
    """A scenic spot with a discount window."""

    id: str
    name: str
    name_en: str
    company: str
    town: str = ""


@dataclass(frozen=True)
class Ticket:
    """A ticket for one spot, or a package covering several. Rates in basis points."""

    id: str
    name: str
    name_en: str
    spot_ids: tuple[str, ...]
    list_fen: int
    member_bp: int = 5100
    family_bp: int = 7000
    group_bp: int = 8000
    rounding: Rounding = Rounding.FEN

    @property
    def is_package(self) -> bool:
        return len(self.spot_ids) > 1


@dataclass(frozen=True)
class HeldCard:
    """A card held on this device: the issuer-signed COSE bytes exactly as received."""

    serial: int
    cose: bytes
    received_at: int


@dataclass(frozen=True)
class Redemption:
    """One discounted ticket bought with one of this member's cards."""

    id: str
    serial: int
    spot_id: str
    ticket_id: str
    ticket_name: str
    kind: CardKind
    list_fen: int
    charged_fen: int
    at: int

    @property
    def saved_fen(self) -> int:
        return self.list_fen - self.charged_fen


@dataclass(frozen=True)
class Pinned:
    """What the device trusts: the district root key and the latest signed lists (COSE bytes)."""

    root_public_key: bytes
    trust_list: bytes | None = None
    status_list: bytes | None = None


@dataclass(frozen=True)
class Settings:
    language: str = "zh"
    server_url: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    elder_mode: bool = False  # 长辈模式: larger text and touch targets on every member screen


# The district, as the phone sees it (SPEC §2 Member: activation and family cards) ------------

DEFAULT_SERVER_URL = "http://127.0.0.1:8600"


@dataclass(frozen=True)
class DistrictAccess:
    """Where the district server is and the bearer token it gave this phone at activation."""

    server_url: str
    device_token: str


@dataclass(frozen=True)
class ActivationGrant:
    """What the district returns for a good activation code: cards bound to this phone's key."""

    device_id: str
    device_token: str
    root_public_key: bytes
    card: bytes
    family_cards: tuple[bytes, ...]
    trust_list: bytes
    status_list: bytes
    server_time: int


@dataclass(frozen=True)
class CardBundle:
    """The member's current cards from the district (after family cards were approved)."""

    card: bytes | None
    family_cards: tuple[bytes, ...]
    trust_list: bytes | None = None
    status_list: bytes | None = None


class FamilyState(enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"


@dataclass(frozen=True)
class FamilyMember:
    """A family member as the district records it; `number` names it in the API (1, 2, …)."""

    number: int
    name: str
    relation: str
    state: FamilyState
    serial: int | None = None


@dataclass(frozen=True)
class FamilyRequest:
    """A member's ask for a family card, kept on the phone until the district has it."""

    id: str
    name: str
    relation: str
    id_last4: str
    requested_at: int


@dataclass(frozen=True)
class MemberSummary:
    """`GET /me`: who this phone belongs to and the family members the district knows."""

    member_no_masked: str
    name: str
    family: tuple[FamilyMember, ...] = ()


# Sync (SPEC §6) -------------------------------------------------------------------------------

@dataclass(frozen=True)
class WireChange:
    """One change as a device pushes it and the district receives it: `seq` is the device's
    own increasing number, `schema` the version of `fields`' shape, `base_version` the server
    version it edits."""

    change_id: str
    seq: int
    entity: str
    record_id: str
    op: str
    base_version: int | None
    schema: int
    fields: dict[str, Any]


@dataclass(frozen=True)
class Change(WireChange):
    """A change made on this device: the wire change and when it was made."""

    made_at: int


@dataclass(frozen=True)
class ParkedChange:
    """A change the district would not apply, kept for the member to see ("needs attention")."""

    change: Change
    reason: str
    message: str
    message_en: str


@dataclass(frozen=True)
class PushResult:
    """The district's answer to one pushed change."""

    change_id: str
    status: str  # applied | duplicate | conflict | rejected
    version: int | None = None
    server_copy: dict[str, Any] | None = None
    reason: str | None = None
    message: str | None = None
    message_en: str | None = None
    generation: str | None = None  # the district's generation the answer came from


@dataclass(frozen=True)
class Pulled:
    """One entry of the district's log: `op` is "upsert" or "tombstone"."""

    cursor: int
    entity: str
    record_id: str
    op: str
    version: int | None
    fields: dict[str, Any] | None


@dataclass(frozen=True)
class PullPage:
    """A page of the log. `generation` is the district's (None from a district that has none);
    `start_over`: the cursor sent belongs to an older generation — pull again from 0."""

    changes: tuple[Pulled, ...]
    next_cursor: int
    more: bool
    generation: str | None = None
    start_over: bool = False


RecordKey = tuple[str, str]  # (entity, record id) of a pulled record


@dataclass(frozen=True)
class SyncMark:
    """The saved pull position and when the last full sync ended (Unix seconds).

    `generation` is the district's generation the cursor belongs to (None until one is known);
    `stale` the records held when a new generation was noticed that it has not sent again yet:
    whatever is still in it when the pull from the start ends is dropped."""

    cursor: int = 0
    synced_at: int | None = None
    generation: str | None = None
    stale: frozenset[RecordKey] = frozenset()


# The scenic-spot window (SPEC §2 Window staff, §5) --------------------------------------------

@dataclass(frozen=True)
class Sale:
    """One discounted ticket sold at this window: a link in the device's hash chain.

    `hash` is the hex SHA-256 over `prev_hash` and a canonical encoding of every other field
    (`app.sales.sale_hash`); `presentation_id` is hex (None for a printed static card).
    `person` is whose card it was (`app.person.person_of`), for the usage rule; None on sales
    kept before the window recorded it (those count by their card's serial)."""

    id: str
    seq: int
    at: int
    day: int
    spot_id: str
    ticket_id: str
    ticket_name: str
    serial: int
    kind: CardKind
    name: str
    presentation_id: str | None
    list_fen: int
    paid_fen: int
    override: bool
    prev_hash: str
    hash: str
    person: str | None = None

    @property
    def discount_fen(self) -> int:
        return self.list_fen - self.paid_fen


@dataclass(frozen=True)
class OverrideRecord:
    """A supervisor let one sale go through on lists older than 7 days (SPEC §4), kept locally."""

    id: str
    at: int
    supervisor: str
    reason: str
    sale_id: str
    trust_age_s: int
    status_age_s: int
