"""The tests' fakes, in one place: the fixed instant `NOW` and a `Clock` a test moves; a fake of
the district's member API (app.ports.DistrictClient) and of its sync endpoints for family
requests (`FakeDistrict`: real keys, real signed cards and lists, and switches to make it refuse
or go away); and a bare sync server that applies each change once (`FakeSyncServer`)."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from app.cadre_enroll import CadreGrant
from app.card import CardClaims, issue_card
from app.chinatime import CHINA
from app.device_proof import activation_signed
from app.district_errors import ActivationRefused, DistrictRefused, DistrictUnreachable
from app.keys import KeyPair
from app.models import (
    ActivationGrant,
    CardBundle,
    CardKind,
    Change,
    DistrictAccess,
    FamilyMember,
    FamilyRequest,
    FamilyState,
    MemberSummary,
    Pulled,
    PullPage,
    PushResult,
)
from app.sync import TokenExpired
from app.trust import Issuer, StatusList, TrustList, sign_status_list, sign_trust_list
from app.window_enroll import WindowGrant

NOW = 1_795_000_000  # 2026-11-18 (Beijing), a fixed instant
DAY = 86_400
YEAR = 365 * DAY
MEMBER_NO, CODE, TOKEN = "WZ2014000301", "K7Q2-9XPM", "token-301"


@dataclass
class FakeDistrict:
    """One member (李明) with one activation code; family requests approved at once if `auto`."""

    now: int = NOW
    auto_approve: bool = True
    reachable: bool = True
    holder_override: bytes | None = None
    rogue_signer: KeyPair | None = None  # signs cards with a key the trust list does not hold
    announced_root: bytes | None = None  # a root key other than the one that signed the lists
    root: KeyPair = field(default_factory=KeyPair.generate)
    issuer: KeyPair = field(default_factory=KeyPair.generate)
    device_key: bytes | None = None
    family: list[FamilyMember] = field(default_factory=list)
    family_cose: dict[int, bytes] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    next_serial: int = 300_010
    log: list[Pulled] = field(default_factory=list)
    pushed: dict[str, PushResult] = field(default_factory=dict)

    def _up(self, call: str) -> None:
        self.calls.append(call)
        if not self.reachable:
            raise DistrictUnreachable("connection refused")

    def _lists(self) -> tuple[bytes, bytes]:
        town = Issuer("WZ-XK", "胥口镇总工会", self.issuer.public_raw, self.now - YEAR,
                      self.now + 5 * YEAR, 300_000, 399_999)
        trust = sign_trust_list(TrustList(2, self.now - 60, (town,)), self.root)
        status = sign_status_list(StatusList.empty(400_000, 3, self.now - 60), self.root)
        return trust, status

    def _card(self, serial: int, kind: CardKind, name: str, relation: str | None = None) -> bytes:
        holder = self.holder_override or self.device_key
        claims = CardClaims(serial, kind, name, MEMBER_NO, "胥口镇精工机械有限公司工会", "0317",
                            "WZ-XK", self.now - 60, self.now + 2 * YEAR, holder,
                            300_001 if kind is CardKind.FAMILY else None, relation)
        return issue_card(claims, self.rogue_signer or self.issuer)

    def activate(self, server_url: str, member_no: str, code: str, public_key: bytes,
                 signature: bytes, device_name: str) -> ActivationGrant:
        self._up(f"activate {server_url}")
        if not activation_signed(member_no, code, public_key, signature):
            raise ActivationRefused("手机签名不对，未激活", "The phone's signature does not "
                                    "match its key; nothing was activated", "invalid_signature")
        if (member_no, code) != (MEMBER_NO, CODE):
            raise ActivationRefused("激活码无效或已使用", "The activation code is not valid "
                                    "or was already used", "invalid_code")
        self.device_key = public_key
        self.family_cose = {serial: self._card(serial, CardKind.FAMILY, m.name, m.relation)
                            for m in self.family if (serial := m.serial) in self.family_cose
                            and serial is not None}  # moved to the new phone, as the district does
        trust, status = self._lists()
        root = self.announced_root or self.root.public_raw
        return ActivationGrant("dev-1", TOKEN, root,
                               self._card(300_001, CardKind.MEMBER, "李明"),
                               tuple(self.family_cose.values()), trust, status, self.now)

    def _authorized(self, access: DistrictAccess, call: str) -> None:
        self._up(call)
        if access.device_token != TOKEN:
            raise DistrictRefused("设备未授权", "This device is not authorized", "unauthorized")

    def cards(self, access: DistrictAccess) -> CardBundle:
        self._authorized(access, "cards")
        trust, status = self._lists()
        return CardBundle(self._card(300_001, CardKind.MEMBER, "李明"),
                          tuple(self.family_cose.values()), trust, status)

    def me(self, access: DistrictAccess) -> MemberSummary:
        self._authorized(access, "me")
        return MemberSummary("WZ2*******01", "李明", tuple(self.family))

    def request_family(self, access: DistrictAccess, request: FamilyRequest) -> FamilyMember:
        self._authorized(access, f"request {request.name}")
        if len([m for m in self.family if m.state is not FamilyState.WITHDRAWN]) >= 4:
            raise DistrictRefused("家属卡已达上限（4张）", "The family card limit (4) is reached",
                                  "family_limit")
        number, serial = len(self.family) + 1, self.next_serial
        self.next_serial += 1
        state = FamilyState.APPROVED if self.auto_approve else FamilyState.PENDING
        member = FamilyMember(number, request.name, request.relation, state,
                              serial if self.auto_approve else None)
        self.family.append(member)
        if self.auto_approve:
            self.family_cose[serial] = self._card(serial, CardKind.FAMILY, request.name,
                                                  request.relation)
        return member

    def withdraw_family(self, access: DistrictAccess, number: int) -> None:
        self._authorized(access, f"withdraw {number}")
        member = self.family[number - 1]
        self.family[number - 1] = FamilyMember(number, member.name, member.relation,
                                               FamilyState.WITHDRAWN, member.serial)
        if member.serial is not None:
            self.family_cose.pop(member.serial, None)
        self._note_member(self.family[number - 1])

    # Sync (family requests only) ---------------------------------------------------------------

    def _note(self, entity: str, record_id: str, op: str, fields: dict[str, Any] | None) -> None:
        cursor = len(self.log) + 1
        self.log.append(Pulled(cursor, entity, record_id, op, cursor, fields))

    def _note_member(self, member: FamilyMember) -> None:
        self._note("family", str(member.number), "upsert", {
            "number": member.number, "name": member.name, "relation": member.relation,
            "state": member.state.value, "card_serial": member.serial})
        if member.serial is None:
            return
        if member.serial in self.family_cose:
            cose = base64.b64encode(self.family_cose[member.serial]).decode()
            self._note("card", str(member.serial), "upsert",
                       {"serial": member.serial, "printed": False, "cose": cose})
        else:
            self._note("card", str(member.serial), "tombstone", {"reason": "withdrawn"})

    def push(self, access: DistrictAccess, changes: Sequence[Change]) -> list[PushResult]:
        self._authorized(access, f"push {len(changes)}")
        return [self._pushed(access, c) for c in changes]

    def _pushed(self, access: DistrictAccess, change: Change) -> PushResult:
        if change.change_id in self.pushed:
            return PushResult(change.change_id, "duplicate")
        f = change.fields
        request = FamilyRequest(change.record_id, str(f["name"]), str(f["relation"]),
                                str(f["id_last4"]), change.made_at)
        try:
            member = self.request_family(access, request)
        except DistrictRefused as refused:
            result = PushResult(change.change_id, "conflict", reason=refused.code,
                                message=refused.message_zh, message_en=refused.message_en)
        else:
            self._note_member(member)
            result = PushResult(change.change_id, "applied", version=len(self.log))
        self.pushed[change.change_id] = result
        return result

    def pull(self, access: DistrictAccess, cursor: int, limit: int,
             generation: str | None = None) -> PullPage:
        self._authorized(access, "pull")
        after = [p for p in self.log if p.cursor > cursor]
        page = after[:limit]
        return PullPage(tuple(page), page[-1].cursor if page else cursor, len(after) > limit)

    def probe(self, server_url: str) -> bool:
        return self.reachable

    def approve(self, number: int) -> None:
        """A clerk approves a pending family request in the console."""
        member = self.family[number - 1]
        serial, self.next_serial = self.next_serial, self.next_serial + 1
        self.family_cose[serial] = self._card(serial, CardKind.FAMILY, member.name,
                                              member.relation)
        self.family[number - 1] = FamilyMember(number, member.name, member.relation,
                                               FamilyState.APPROVED, serial)
        self._note_member(self.family[number - 1])

    def enroll_window(self, server_url: str, code: str, public_key: bytes, signature: bytes,
                      device_name: str) -> WindowGrant:
        """This fake district has no windows: every enrollment code is wrong."""
        self._up(f"enroll {code}")
        raise DistrictRefused("登记码不对或已失效", "Wrong or expired enrollment code",
                              "wrong_code")

    def enroll_cadre(self, server_url: str, code: str, public_key: bytes, signature: bytes,
                     device_name: str) -> CadreGrant:
        """Nor cadres (tests/cadre_phone_support.py has a district that enrolls them)."""
        self._up(f"enroll cadre {code}")
        raise DistrictRefused("登记码不对或已失效", "Wrong or expired enrollment code",
                              "wrong_code")


@dataclass
class Clock:
    """A clock the test sets and moves: `clock()` is `clock.now`."""

    now: float = NOW

    def __call__(self) -> float:
        return self.now


@dataclass(frozen=True)
class FakeBackup:
    """What `FakeSyncServer.backup` keeps: its log, applied changes and the device's last seq."""

    log: tuple[Pulled, ...]
    applied: dict[str, Change]
    last_seq: int


@dataclass
class FakeSyncServer:
    """Applies each change id once, checks each device seq, answers per change; keeps a log.
    With a `generation` it says it in every answer and tells an older one to start over;
    `restore` takes it back to a `backup` under a new generation, as the district's does."""

    log: list[Pulled] = field(default_factory=list)
    applied: dict[str, Change] = field(default_factory=dict)
    last_seq: int = 0
    batches: list[int] = field(default_factory=list)
    refuse: dict[str, tuple[str, str]] = field(default_factory=dict)  # record id → status, reason
    down: bool = False
    expired: bool = False
    generation: str | None = None
    pulls: list[tuple[int, str | None]] = field(default_factory=list)  # (cursor, generation)

    def _check(self) -> None:
        if self.down:
            raise DistrictUnreachable("connection refused")
        if self.expired:
            raise TokenExpired()

    def backup(self) -> FakeBackup:
        return FakeBackup(tuple(self.log), dict(self.applied), self.last_seq)

    def restore(self, backup: FakeBackup, generation: str) -> None:
        self.log, self.applied = list(backup.log), dict(backup.applied)
        self.last_seq, self.generation = backup.last_seq, generation

    def push(self, access: DistrictAccess, changes: Sequence[Change]) -> list[PushResult]:
        self._check()
        self.batches.append(len(changes))
        return [replace(self._one(c), generation=self.generation) for c in changes]

    def _one(self, change: Change) -> PushResult:
        if change.change_id in self.applied:
            return PushResult(change.change_id, "duplicate")
        if change.seq <= self.last_seq:
            return PushResult(change.change_id, "rejected", reason="seq_not_increasing")
        self.last_seq = change.seq
        if change.record_id in self.refuse:
            status, reason = self.refuse[change.record_id]
            return PushResult(change.change_id, status, reason=reason, message=f"不行：{reason}",
                              message_en=f"no: {reason}")
        self.applied[change.change_id] = change
        self.note("note", change.record_id, change.fields)
        return PushResult(change.change_id, "applied", version=len(self.log))

    def note(self, entity: str, record_id: str, fields: Mapping[str, object] | None,
             op: str = "upsert") -> None:
        self.log.append(Pulled(len(self.log) + 1, entity, record_id, op, len(self.log) + 1,
                               dict(fields) if fields is not None else None))

    def probe(self, server_url: str) -> bool:
        return not self.down

    def pull(self, access: DistrictAccess, cursor: int, limit: int,
             generation: str | None = None) -> PullPage:
        self._check()
        self.pulls.append((cursor, generation))
        if generation is not None and generation != self.generation:
            return PullPage((), 0, True, self.generation, start_over=True)
        after = [p for p in self.log if p.cursor > cursor]
        page = after[:limit]
        return PullPage(tuple(page), page[-1].cursor if page else cursor, len(after) > limit,
                        self.generation)


AT_1405 = int(dt.datetime(2026, 11, 24, 14, 5, tzinfo=CHINA).timestamp())
