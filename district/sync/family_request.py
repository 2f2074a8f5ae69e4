"""The sync handler of entity "family_request" from a member's phone (upsert of name,
relation, id_last4): it asks for a family card as `POST /api/v1/family` does."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from app.models import WireChange
from district.errors import Conflict
from district.feed import changelog, publish
from district.phones import devices, family
from district.sync.handler import APPLIED, CONFLICT, Outcome, Pusher, rejected
from district.sync.push import applied_before
from district.tables import Member

FAMILY_FIELDS = ("name", "relation", "id_last4")


def _family_copy(state: family.FamilyState) -> dict[str, Any]:
    return {"number": state.number, "name": state.name, "relation": state.relation,
            "state": state.state, "card_serial": state.card_serial}


def _family_fields(fields: dict[str, Any]) -> tuple[str, str, str] | None:
    values = [fields.get(name) for name in FAMILY_FIELDS]
    if not all(isinstance(v, str) and v.strip() for v in values):
        return None
    name, relation, id_last4 = (str(v).strip() for v in values)
    return name, relation, id_last4


def _checked(pusher: Pusher, change: WireChange) -> Outcome | None:
    if pusher.role != devices.MEMBER or pusher.member_id is None:
        return rejected("forbidden", "只有会员本人的手机可以办理家属卡",
                        "only the member's own phone can ask for family cards")
    if change.op != "upsert":
        return rejected("unsupported_op", "家属申请发出后不能删除，请撤回该家属",
                        "a family request cannot be deleted: withdraw the family member")
    return None


def family_request(session: Session, pusher: Pusher, change: WireChange) -> Outcome:
    """Ask for a family card; the server copy is the family member's state with its number."""
    problem = _checked(pusher, change)
    before = applied_before(session, pusher.scope, change.entity, change.record_id)
    if problem is not None or before is not None:
        return problem or Outcome(
            CONFLICT, before.version if before else None,
            json.loads(before.server_copy) if before and before.server_copy else None,
            "already_sent", "这份家属申请已经发出，不能再修改",
            "this family request was sent already and cannot be changed")
    values = _family_fields(change.fields)
    if values is None:
        return rejected("invalid_fields", "家属的姓名、关系和身份证后四位都要填写",
                        "a family request needs name, relation and id_last4")
    member = session.get_one(Member, pusher.member_id)
    try:
        state = family.request_family(
            session, pusher.keys(), member.member_no, *values, actor=f"device:{pusher.device_id}",
            now=pusher.now, limit=pusher.family_limit, auto_approve=pusher.family_auto_approve)
    except Conflict as exc:
        copy = {"family": [_family_copy(s) for s in family.states(session, member)]}
        return Outcome(CONFLICT, None, copy, "family_limit", exc.zh, exc.en)
    entry = changelog.staged(session, publish.FAMILY, str(state.number))
    return Outcome(APPLIED, server_copy=_family_copy(state), entry=entry)
