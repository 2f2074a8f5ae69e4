"""Activation codes for a member's phone, or an approved family member's own phone."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from district.console import queries
from district.console.auth import PREFIX, ConsoleRoute, Who, check_csrf, scope
from district.console.render import language, message, page
from district.errors import Invalid
from district.phones import activation
from district.phones.tables import ActivationCode
from district.registry import people
from district.tables import Member
from district.web_context import clock, district_of

router = APIRouter(route_class=ConsoleRoute)


def _form(request: Request, who: Who, member_no: str, status: int = 200, error: str = "",
          chosen: str = "") -> HTMLResponse:
    with district_of(request).sessions() as session:
        member = queries.member_in_scope(session, member_no, scope(who))
        shown = queries.detail(session, member)
    return page(request, "code_form.html", who, status=status, d=shown, error=error,
                chosen=chosen, days=activation.VALID_DAYS)


def cancelled_now(session: Session, member: Member, family_id: int | None, now: int) -> int:
    """How many of the person's unused codes the new one cancelled (in the same transaction,
    under the member's lock, so no other code was made meanwhile)."""
    person = (ActivationCode.family_id == family_id if family_id is not None
              else ActivationCode.family_id.is_(None))
    return int(session.scalar(select(func.count()).select_from(ActivationCode).where(
        ActivationCode.member_id == member.id, person, ActivationCode.cancelled_at == now)) or 0)


@router.get(PREFIX + "/members/{member_no}/code", response_class=HTMLResponse)
def code_form(request: Request, who: Who, member_no: str, family_no: str = "") -> HTMLResponse:
    return _form(request, who, member_no, chosen=family_no)


@router.post(PREFIX + "/members/{member_no}/code", response_class=HTMLResponse)
def create_code(request: Request, who: Who, member_no: str, csrf: Annotated[str, Form()] = "",
                family_no: Annotated[str, Form()] = "") -> HTMLResponse:
    """Create the code and show it once (the page is not cached; only its hash is stored)."""
    check_csrf(who, csrf)
    if family_no and not family_no.isdigit():
        error = Invalid("请选择会员本人或一位已批准的家属", "choose the member or a family member")
        return _form(request, who, member_no, 422, message(error, language(request)), family_no)
    now = clock(request)
    with district_of(request).sessions.begin() as session:
        member = queries.member_in_scope(session, member_no, scope(who))
        number = int(family_no) if family_no else None
        code = activation.create_activation_code(session, member_no, number,
                                                 who.staff.username, now)
        shown = queries.detail(session, member)
        holder = next((f for f in shown.family if f.number == number), None)
        family_id = people.family_number(session, member, number).id if number else None
        cancelled = cancelled_now(session, member, family_id, now)
    return page(request, "code.html", who, d=shown, code=code, holder=holder,
                expires_at=now + activation.VALID_DAYS * activation.DAY, cancelled=cancelled)
