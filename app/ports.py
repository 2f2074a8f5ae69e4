"""Ports: what the domain needs from storage. `storage/` implements them (TinyDB and in-memory)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from app.models import (
    ActivationGrant,
    Change,
    DistrictAccess,
    FamilyMember,
    HeldCard,
    OverrideRecord,
    ParkedChange,
    Pinned,
    PullPage,
    PushResult,
    Redemption,
    Sale,
    Settings,
    Spot,
    SyncMark,
    Ticket,
)


class DeviceKeyStore(Protocol):
    """The device's own Ed25519 private key (raw 32 bytes). Never leaves the device."""

    def load(self) -> bytes | None: ...
    def save(self, private_raw: bytes) -> None: ...


class CardRepository(Protocol):
    """Cards held on this device: the member's own and the family cards shown from it."""

    def put(self, card: HeldCard) -> None: ...
    def get(self, serial: int) -> HeldCard | None: ...
    def all(self) -> list[HeldCard]: ...
    def remove(self, serial: int) -> None: ...


class CatalogRepository(Protocol):
    """Scenic spots and their tickets, replaced as a whole when the district sends a new list."""

    def replace(self, spots: Sequence[Spot], tickets: Sequence[Ticket]) -> None: ...
    def spots(self) -> list[Spot]: ...
    def tickets(self) -> list[Ticket]: ...


class RedemptionRepository(Protocol):
    """Discounted purchases made with this member's cards (the savings page)."""

    def add(self, redemption: Redemption) -> None: ...
    def all(self) -> list[Redemption]: ...
    def remove(self, redemption_id: str) -> None: ...


class TrustStore(Protocol):
    """The pinned root key and the newest trust and status lists."""

    def load(self) -> Pinned | None: ...
    def save(self, pinned: Pinned) -> None: ...


class SettingsRepository(Protocol):
    def load(self) -> Settings: ...
    def save(self, settings: Settings) -> None: ...


class FamilyStates(Protocol):
    """The family members' states as the district last said (pulled by sync), by number."""

    def put(self, member: FamilyMember) -> None: ...
    def all(self) -> list[FamilyMember]: ...
    def remove(self, number: int) -> None: ...
    def clear(self) -> None: ...


class DistrictClient(Protocol):
    """The district server's member API (`remote/`). Raises
    `app.district_errors.DistrictUnreachable` when it cannot be reached or fails on its side,
    `DistrictRefused` with its words for a no. `signature` is the device key's own over the
    activation (`app.device_proof`): the district binds only a key the phone can sign with."""

    def activate(self, server_url: str, member_no: str, code: str, public_key: bytes,
                 signature: bytes, device_name: str) -> ActivationGrant: ...
    def withdraw_family(self, access: DistrictAccess, number: int) -> None: ...


class Clock(Protocol):
    """Unix seconds. Injected so tests and verifiers can set the time."""

    def __call__(self) -> float: ...


# Sync (SPEC §6): the outbox and cursor live in `storage/`, the transport in `remote/` ---------

class Outbox(Protocol):
    """Changes made on this device, durable on return of `append`, until the district has them.
    `pending` is in seq order; `requeue` swaps a change for its re-numbered copy in one step.

    A change the district acknowledged (`mark_done`) is kept a while as sent: after the district
    is restored from a backup, `resend` makes every kept one wait again (the district's answer
    "duplicate" for those the backup had makes that harmless). `forget_sent` drops those
    acknowledged before `before` and all but the newest `keep`; `sent` is in seq order."""

    def append(self, change: Change) -> None: ...
    def pending(self) -> list[Change]: ...
    def mark_done(self, change_id: str, at: int) -> None: ...
    def sent(self) -> list[Change]: ...
    def resend(self) -> int: ...
    def forget_sent(self, before: int, keep: int) -> int: ...
    def park(self, change_id: str, reason: str, message: str, message_en: str) -> None: ...
    def parked(self) -> list[ParkedChange]: ...
    def discard(self, change_id: str) -> None: ...
    def requeue(self, change_id: str, renumbered: Change) -> None: ...
    def next_seq(self, at_least: int = 0) -> int: ...


@runtime_checkable
class SyncWaiter(Protocol):
    """A transport that can hold a long poll (`GET /sync/wait`): True as soon as the district
    has something for this device after `cursor` (or another generation), False when `seconds`
    pass first. Raises like `SyncTransport`."""

    def wait(self, access: DistrictAccess, cursor: int, generation: str | None,
             seconds: int) -> bool: ...


class SyncCursor(Protocol):
    """How far this device has pulled the district's log, and when it last synced."""

    def load(self) -> SyncMark: ...
    def save(self, mark: SyncMark) -> None: ...


class SyncTransport(Protocol):
    """`POST /sync/push`, `GET /sync/pull` (with the generation the cursor belongs to), and
    `probe` (is the district answering at all — a cheap request, never raises). Push and pull
    raise `DistrictUnreachable` for network faults and 5xx, `app.sync.TokenExpired` for 401,
    `DistrictRefused` for other refusals."""

    def push(self, access: DistrictAccess, changes: Sequence[Change]) -> list[PushResult]: ...
    def pull(self, access: DistrictAccess, cursor: int, limit: int,
             generation: str | None = None) -> PullPage: ...
    def probe(self, server_url: str) -> bool: ...


# The scenic-spot window (SPEC §2, §5, §7) ------------------------------------------------------

class SalesLog(Protocol):
    """The window's append-only, hash-chained sales. `append` is durable on return and refuses
    (ValueError) a sale that does not extend the chain; a sale is never rewritten.
    `uses_today` (a person's discounted tickets at a spot on a day, `app.sales.SaleIndex`) and
    `presentation_used` answer from in-memory indexes (rebuilt on open).
    `prune` drops the oldest run of sales made before `before_day` and not in `keep` (ids still
    unsent), remembering the last dropped link so what remains still verifies; returns how many
    went. `verify_chain` gives the seq of the first broken link, or None."""

    def append(self, sale: Sale) -> None: ...
    def last(self) -> Sale | None: ...
    def for_day(self, day: int) -> list[Sale]: ...
    def uses_today(self, person: str, serial: int, spot_id: str, day: int) -> int: ...
    def presentation_used(self, presentation_id: bytes) -> bool: ...
    def all(self) -> list[Sale]: ...
    def prune(self, before_day: int, keep: set[str]) -> int: ...
    def verify_chain(self) -> int | None: ...


class OverrideLog(Protocol):
    """Supervisor overrides of the stale-list policy, kept on the window device."""

    def append(self, record: OverrideRecord) -> None: ...
    def all(self) -> list[OverrideRecord]: ...
