"""Cards: print a static card (page and PNG), revoke with a reason, replace (补办)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from district.cards import issuance, printing
from district.console import queries
from district.console.auth import PREFIX, ConsoleRoute, Who, check_csrf, scope
from district.console.render import language, message, page
from district.errors import Conflict, Invalid
from district.phones import devices
from district.phones.tables import Device
from district.tables import Card, FamilyMember, Member
from district.web_context import clock, district_of

router = APIRouter(route_class=ConsoleRoute)
PHONE_REPLACED = "补办：换手机，需重新激活"
PRINT_NOTICES = ("new", "again", "replaced")


def _owner(session: Session, card: Card) -> tuple[Member, FamilyMember | None]:
    member = session.get_one(Member, card.member_id)
    return member, session.get(FamilyMember, card.family_id) if card.family_id else None


def _printable(session: Session, serial: int, town_id: str | None) -> Card:
    card = queries.card_in_scope(session, serial, town_id)
    if card.holder_key is not None:
        raise Conflict("这是手机上的卡，不能打印；请为会员发放纸质卡",
                       "this card lives on a phone and cannot be printed: issue a printed card")
    if card.status != issuance.VALID:
        raise Conflict(f"卡 {serial} 已注销，不能打印", f"card {serial} is revoked: not printable")
    return card


@router.post(PREFIX + "/members/{member_no}/print")
def print_card(request: Request, who: Who, member_no: str, csrf: Annotated[str, Form()] = "",
               family_no: Annotated[str, Form()] = "") -> Response:
    """The printed card of the member or one of their approved family: the one they hold,
    printed again, or a new one (`printing.static_card`)."""
    check_csrf(who, csrf)
    d = district_of(request)
    with d.sessions.begin() as session:
        queries.member_in_scope(session, member_no, scope(who))
        number = int(family_no) if family_no.isdigit() else None
        printed = printing.static_card(session, d.keys(), member_no, number,
                                       who.staff.username, clock(request), d.settings.card_years)
    return _to_print_page(printed)


def _to_print_page(printed: printing.Printed) -> RedirectResponse:
    """The print page, saying whether the card is the one the person held or a new one."""
    done = "again" if not printed.new else "replaced" if printed.replaced else "new"
    return RedirectResponse(f"{PREFIX}/cards/{printed.card.serial}/print?done={done}",
                            status_code=303)


@router.get(PREFIX + "/cards/{serial}/print", response_class=HTMLResponse)
def print_page(request: Request, who: Who, serial: int, done: str = "") -> HTMLResponse:
    with district_of(request).sessions() as session:
        card = _printable(session, serial, scope(who))
        member, family = _owner(session, card)
        union = queries.detail(session, member).union
    return page(request, "print.html", who, card=card, member=member, family=family, union=union,
                done=done if done in PRINT_NOTICES else "")


@router.get(PREFIX + "/cards/{serial}/qr.png")
def card_png(request: Request, who: Who, serial: int, download: int = 0) -> Response:
    """The static card's QR code (error correction Q), inline or as a download."""
    with district_of(request).sessions() as session:
        png = printing.png(_printable(session, serial, scope(who)))
    headers = {"Cache-Control": "no-store"}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="unionpass-card-{serial}.png"'
    return Response(png, media_type="image/png", headers=headers)


def _confirm(request: Request, who: Who, serial: int, action: str, status: int = 200,
             error: str = "", reason: str = "") -> HTMLResponse:
    with district_of(request).sessions() as session:
        card = queries.card_in_scope(session, serial, scope(who))
        member, family = _owner(session, card)
    if card.status != issuance.VALID:
        raise Conflict(f"卡 {serial} 已注销", f"card {serial} is already {card.status}")
    return page(request, "confirm.html", who, status=status, card=card, member=member,
                family=family, action=action, error=error, reason=reason)


@router.get(PREFIX + "/cards/{serial}/revoke", response_class=HTMLResponse)
def revoke_form(request: Request, who: Who, serial: int) -> HTMLResponse:
    return _confirm(request, who, serial, "revoke")


@router.post(PREFIX + "/cards/{serial}/revoke", response_class=HTMLResponse)
def revoke(request: Request, who: Who, serial: int, csrf: Annotated[str, Form()] = "",
           reason: Annotated[str, Form()] = "") -> Response:
    check_csrf(who, csrf)
    if not reason.strip() or len(reason) > 200:
        error = Invalid("请填写注销原因（200 字以内）", "give a reason (at most 200 characters)")
        return _confirm(request, who, serial, "revoke", 422, message(error, language(request)),
                        reason)
    d = district_of(request)
    with d.sessions.begin() as session:
        card = queries.card_in_scope(session, serial, scope(who))
        member_no = session.get_one(Member, card.member_id).member_no
        issuance.revoke(session, d.keys(), serial, reason.strip(), who.staff.username,
                        clock(request))
    return RedirectResponse(f"{PREFIX}/members/{member_no}?done=revoked", status_code=303)


@router.get(PREFIX + "/cards/{serial}/replace", response_class=HTMLResponse)
def replace_form(request: Request, who: Who, serial: int) -> HTMLResponse:
    return _confirm(request, who, serial, "replace")


def _phone_of(session: Session, card: Card) -> Device | None:
    return session.scalars(select(Device).where(
        Device.member_id == card.member_id, Device.public_key == card.holder_key,
        Device.revoked_at.is_(None))).first()


@router.post(PREFIX + "/cards/{serial}/replace")
def replace(request: Request, who: Who, serial: int,
            csrf: Annotated[str, Form()] = "") -> Response:
    """补办. A phone card: the phone is retired and its cards revoked, so the member activates
    again with a new code. A printed card: a new printed card replaces it."""
    check_csrf(who, csrf)
    d, actor, now = district_of(request), who.staff.username, clock(request)
    with d.sessions.begin() as session:
        card = queries.card_in_scope(session, serial, scope(who))
        member_no = session.get_one(Member, card.member_id).member_no
        if card.holder_key is None:
            return _to_print_page(printing.replace_printed(session, d.keys(), serial, actor, now,
                                                           d.settings.card_years))
        phone = _phone_of(session, card)
        if phone is not None:
            devices.revoke_device(session, d.keys(), phone.id, PHONE_REPLACED, actor, now)
        else:
            issuance.revoke(session, d.keys(), serial, PHONE_REPLACED, actor, now)
    return RedirectResponse(f"{PREFIX}/members/{member_no}?done=replaced", status_code=303)
