"""Family cards (家属, SPEC §2 Member): ask the district for one, see what became of it, withdraw.

A request is a "family_request" change in the sync outbox (SPEC §6): saved on the phone before
the page says so, sent by the next sync (right away when the district answers), answered by
"family" entries that the sync pulls — kept here by number — and, once approved, by the family
card itself, which the sync checks against the pinned lists before the wallet keeps it.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from app.district_access import access_of
from app.district_errors import DistrictRefused, NotActivated
from app.models import (
    Change,
    DistrictAccess,
    FamilyMember,
    FamilyRequest,
    FamilyState,
)
from app.ports import CardRepository, DistrictClient, FamilyStates, SettingsRepository
from app.sync import SyncReport
from app.text_rules import NAME_MAX, has_symbols

RELATIONS: tuple[str, ...] = ("配偶", "子女", "父亲", "母亲", "其他")
ID_LAST4 = re.compile(r"^[0-9]{3}[0-9X]$")
ENTITY = "family_request"


class InvalidFamilyRequest(DistrictRefused):
    """The form is not filled in the way the district needs it; `field` names the field at
    fault ("name", "relation" or "id_last4")."""

    @property
    def field(self) -> str:
        return self.code


class Syncer(Protocol):
    """The part of `app.sync.SyncEngine` the family page uses."""

    def record(self, entity: str, record_id: str, fields: dict[str, Any]) -> Change: ...
    def pending(self) -> list[Change]: ...
    def sync(self) -> SyncReport: ...


def name_problem(name: str) -> InvalidFamilyRequest | None:
    """What is wrong with a family member's name as typed (None: nothing); the form asks as
    the member types, the request before it is saved."""
    name = name.strip()
    if not name:
        return InvalidFamilyRequest("请填写家属姓名", "Enter the family member's name", "name")
    if len(name) > NAME_MAX:
        return InvalidFamilyRequest(
            f"家属姓名最多{NAME_MAX}个字，现在是{len(name)}个",
            f"A name is at most {NAME_MAX} characters; this one has {len(name)}", "name")
    if has_symbols(name):
        return InvalidFamilyRequest("姓名只能用文字，不能有表情符号、特殊符号或控制字符",
                                    "A name is words only: no emoji, symbols or control "
                                    "characters", "name")
    return None


def form_problems(name: str, relation: str, id_last4: str) -> list[InvalidFamilyRequest]:
    """Every field's problem at once (empty: the request may be saved), for the form to show
    each under its field."""
    problems = [name_problem(name)]
    if relation not in RELATIONS:
        problems.append(InvalidFamilyRequest("请选择与您的关系", "Choose how you are related",
                                             "relation"))
    if not ID_LAST4.match(id_last4.strip().upper()):
        problems.append(InvalidFamilyRequest(
            "身份证后4位应为4位数字（最后一位可为X）",
            "The ID's last 4 are 4 digits (the last may be X)", "id_last4"))
    return [p for p in problems if p is not None]


def _validated(name: str, relation: str, id_last4: str) -> tuple[str, str, str]:
    problems = form_problems(name, relation, id_last4)
    if problems:
        raise problems[0]
    return name.strip(), relation, id_last4.strip().upper()


def _request_of(change: Change) -> FamilyRequest:
    f = change.fields
    return FamilyRequest(change.record_id, str(f.get("name", "")), str(f.get("relation", "")),
                         str(f.get("id_last4", "")), change.made_at)


class FamilyCards:
    def __init__(self, client: DistrictClient, sync: Syncer, states: FamilyStates,
                 cards: CardRepository, settings: SettingsRepository,
                 new_id: Callable[[], str] = lambda: uuid.uuid4().hex) -> None:
        self._client, self._sync, self._states = client, sync, states
        self._cards, self._settings, self._new_id = cards, settings, new_id

    def _access(self) -> DistrictAccess:
        access = access_of(self._settings.load())
        if access is None:
            raise NotActivated()
        return access

    @property
    def known(self) -> list[FamilyMember]:
        """The family members as the district last said, by number."""
        return self._states.all()

    def pending(self) -> list[FamilyRequest]:
        """Requests saved on this phone that the district has not had yet, oldest first."""
        return [_request_of(c) for c in self._sync.pending() if c.entity == ENTITY]

    def request(self, name: str, relation: str, id_last4: str) -> FamilyRequest:
        """Save the request in the sync outbox (durable on return); the sync sends it."""
        self._access()
        name, relation, id_last4 = _validated(name, relation, id_last4)
        request_id = self._new_id()
        change = self._sync.record(ENTITY, request_id, {
            "name": name, "relation": relation, "id_last4": id_last4})
        return _request_of(change)

    def note(self, member: FamilyMember) -> None:
        """A family member's state as the district now has it (pulled by sync)."""
        self._states.put(member)

    def forget(self) -> None:
        """Another person activated this phone: the last one's family is not theirs."""
        self._states.clear()

    def refresh(self) -> SyncReport:
        """Send what waits and pull what the district has (a sync now)."""
        self._access()
        return self._sync.sync()

    def withdraw(self, member: FamilyMember) -> None:
        """Ask the district to withdraw a family card (needs the district now); its card
        leaves this phone."""
        self._client.withdraw_family(self._access(), member.number)
        if member.serial is not None:
            self._cards.remove(member.serial)
        self._states.put(dataclasses.replace(member, state=FamilyState.WITHDRAWN))
