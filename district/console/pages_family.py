"""The family-card approval queue: approve, or reject with a reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from district import audit
from district.console import queries
from district.console.auth import PREFIX, ConsoleRoute, Who, check_csrf, scope
from district.console.render import language, message, page
from district.errors import Conflict, Invalid
from district.phones import family
from district.registry import people
from district.web_context import clock, district_of

router = APIRouter(route_class=ConsoleRoute)


@router.get(PREFIX + "/family", response_class=HTMLResponse)
def queue(request: Request, who: Who, done: str = "") -> HTMLResponse:
    with district_of(request).sessions() as session:
        waiting = queries.pending_requests(session, scope(who))
    return page(request, "family.html", who, waiting=waiting,
                done=done if done in ("approved", "rejected") else "")


@router.post(PREFIX + "/family/{member_no}/{number}/approve")
def approve(request: Request, who: Who, member_no: str, number: int,
            csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(who, csrf)
    d = district_of(request)
    with d.sessions.begin() as session:
        queries.member_in_scope(session, member_no, scope(who))
        family.approve_family(session, d.keys(), member_no, number, who.staff.username,
                              clock(request))
    return RedirectResponse(f"{PREFIX}/family?done=approved", status_code=303)


def _reject_page(request: Request, who: Who, member_no: str, number: int, status: int = 200,
                 error: str = "", reason: str = "") -> HTMLResponse:
    with district_of(request).sessions() as session:
        member = queries.member_in_scope(session, member_no, scope(who))
        asked = next((f for f in family.states(session, member) if f.number == number), None)
    if asked is None or asked.state != "pending":
        raise Conflict("这条家属申请不在待批准状态", "this family request is not pending")
    return page(request, "reject.html", who, status=status, member=member, asked=asked,
                error=error, reason=reason)


@router.get(PREFIX + "/family/{member_no}/{number}/reject", response_class=HTMLResponse)
def reject_form(request: Request, who: Who, member_no: str, number: int) -> HTMLResponse:
    return _reject_page(request, who, member_no, number)


@router.post(PREFIX + "/family/{member_no}/{number}/reject", response_class=HTMLResponse)
def reject(request: Request, who: Who, member_no: str, number: int,
           csrf: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "") -> Response:
    """Reject a pending request: the family member is withdrawn and the reason audited."""
    check_csrf(who, csrf)
    if not reason.strip() or len(reason) > 200:
        error = Invalid("请填写驳回的原因（200 字以内）",
                        "give a reason (at most 200 characters)")
        return _reject_page(request, who, member_no, number, 422,
                            message(error, language(request)), reason)
    d, now = district_of(request), clock(request)
    with d.sessions.begin() as session:
        member = queries.member_in_scope(session, member_no, scope(who))
        if people.family_number(session, member, number).status != people.PENDING:
            raise Conflict("这条家属申请不在待批准状态", "this family request is not pending")
        family.withdraw_family(session, d.keys(), member_no, number, who.staff.username, now)
        audit.record(session, who.staff.username, "family.reject", member_no,
                     {"family_no": number, "reason": reason.strip()}, now)
    return RedirectResponse(f"{PREFIX}/family?done=rejected", status_code=303)
