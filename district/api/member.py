"""The member's phone: `GET /me`, `GET /cards`, `POST /family`, `DELETE /family/{n}`.

Every route needs the device token; a token only ever reaches its own member's data (a family
member's phone sees only that family member's card and cannot ask for or withdraw family).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Security
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CardKind
from app.text_rules import INT64_MAX, NAME_MAX
from app.wallet import mask_member_no
from district.api.common import ERRORS, PREFIX, ApiRoute, b64, bearer, member_session
from district.api.fields import PlainText
from district.cards import issuance
from district.errors import Forbidden
from district.phones import devices, family
from district.phones.tables import Device
from district.registry import people
from district.tables import Card, FamilyMember, Member
from district.web_context import clock, district_of

router = APIRouter(prefix=PREFIX, tags=["member"], route_class=ApiRoute,
                   responses=ERRORS)
Token = Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]


class FamilyAsk(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    name: PlainText = Field(min_length=1, max_length=NAME_MAX, examples=["王喆"])
    relation: PlainText = Field(min_length=1, max_length=16, examples=["配偶"])
    id_last4: PlainText = Field(min_length=4, max_length=4, examples=["5208", "123X"])


def _card_summary(card: Card, device: Device, names: dict[int | None, str]) -> dict[str, object]:
    return {"serial": card.serial, "kind": CardKind(card.kind).name.lower(),
            "name": names.get(card.family_id, ""), "exp": card.exp,
            "on_this_phone": card.holder_key == device.public_key,
            "printed": card.holder_key is None}


def _cards_held(session: Session, member: Member, device: Device) -> list[dict[str, object]]:
    query = select(Card).where(Card.member_id == member.id, Card.status == issuance.VALID)
    if device.family_id is not None:
        query = query.where(Card.family_id == device.family_id)
    names: dict[int | None, str] = {None: member.name}
    names.update({f.id: f.name for f in people.all_family(session, member)})
    return [_card_summary(c, device, names)
            for c in session.scalars(query.order_by(Card.serial))]


def _who(session: Session, member: Member, device: Device) -> dict[str, object]:
    if device.family_id is None:
        return {"name": member.name, "relation": None, "titles": list(member.title_list)}
    person = session.get_one(FamilyMember, device.family_id)
    return {"name": person.name, "relation": person.relation, "titles": []}


@router.get("/me")
def me(request: Request, token: Token) -> dict[str, object]:
    """The member (or family member) this phone belongs to, their cards and family requests."""
    with member_session(request, token) as (session, device, member_id):
        member = session.get_one(Member, member_id)
        states = family.states(session, member) if device.role == devices.MEMBER else []
        return {"role": device.role, "device_id": device.id, **_who(session, member, device),
                "union": people.union_of(session, member).name,
                "member_no_masked": mask_member_no(member.member_no),
                "cards": _cards_held(session, member, device),
                "family": [_state(s) for s in states]}


def _state(state: family.FamilyState) -> dict[str, object]:
    return {"number": state.number, "name": state.name, "relation": state.relation,
            "state": state.state, "card_serial": state.card_serial}


@router.get("/cards")
def cards(request: Request, token: Token) -> dict[str, object]:
    """The valid cards bound to this phone: its own card and the family cards it shows."""
    with member_session(request, token) as (session, device, _member):
        own, family_cards = devices.cards_on(session, device)
        return {"card": b64(own.cose) if own else None,
                "serial": own.serial if own else None,
                "family_cards": [b64(c.cose) for c in family_cards],
                "server_time": clock(request)}


def _member_of(session: Session, device: Device, member_id: int) -> Member:
    if device.role != devices.MEMBER:
        raise Forbidden("只有会员本人的手机可以办理家属卡",
                        "only the member's own phone can manage family cards")
    return session.get_one(Member, member_id)


@router.post("/family", status_code=201)
def ask_for_family(body: FamilyAsk, request: Request, token: Token) -> dict[str, object]:
    """Ask for a family card: pending until the district approves it (409 beyond the limit)."""
    settings = district_of(request).settings
    keys = district_of(request).keys
    with member_session(request, token) as (session, device, member_id):
        member = _member_of(session, device, member_id)
        state = family.request_family(
            session, keys(), member.member_no, body.name, body.relation, body.id_last4,
            actor=f"device:{device.id}", now=clock(request), limit=settings.family_limit,
            auto_approve=settings.family_auto_approve)
        return _state(state)


@router.delete("/family/{number}")
def withdraw(number: Annotated[int, Path(ge=1, le=INT64_MAX)], request: Request,
             token: Token) -> dict[str, object]:
    """Withdraw family member `number` (from GET /me): their cards are revoked."""
    keys = district_of(request).keys
    with member_session(request, token) as (session, device, member_id):
        member = _member_of(session, device, member_id)
        revoked = family.withdraw_family(session, keys(), member.member_no, number,
                                         f"device:{device.id}", clock(request))
        return {"number": number, "state": "withdrawn", "revoked": revoked}
