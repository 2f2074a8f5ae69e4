"""Study meetings (学习例会) in the console: the list, creating one (district admins), and the
check-in screen for the meeting room — a QR pass renewed every 30 seconds (the page reloads
itself when the slot ends; the PNG is drawn by the server), the short code beneath it in very
large type, and how many cadres have checked in."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from app.chinatime import CHINA
from app.qrimage import render_png
from district.cadres import meetings
from district.console.auth import PREFIX, ConsoleRoute, Who, check_csrf, require_reviewer
from district.console.pages_cadre_codes import require_admin
from district.console.render import NO_STORE, page
from district.errors import Invalid, NotFound
from district.web_context import clock, district_of

router = APIRouter(route_class=ConsoleRoute)


@router.get(PREFIX + "/meetings", response_class=HTMLResponse)
def meeting_list(request: Request, who: Who, done: str = "") -> HTMLResponse:
    require_reviewer(who)
    with district_of(request).sessions() as session:
        found, counts = meetings.meetings(session), meetings.checkin_counts(session)
    return page(request, "meetings.html", who, meetings=found, counts=counts,
                done=done == "created", today=datetime.fromtimestamp(clock(request), CHINA))


def _moment(day: str, hour: str) -> int:
    """A date and an hh:mm in China time as Unix seconds; Invalid when it is not one."""
    try:
        return int(datetime.fromisoformat(f"{day.strip()}T{hour.strip()}")
                   .replace(tzinfo=CHINA).timestamp())
    except ValueError as exc:
        raise Invalid("日期或时间的格式不对（如 2026-11-28 和 14:30）",
                      "the date or time is malformed (e.g. 2026-11-28 and 14:30)") from exc


@router.post(PREFIX + "/meetings")
def create(request: Request, who: Who, title: Annotated[str, Form(max_length=200)] = "",
           place: Annotated[str, Form(max_length=200)] = "",
           day: Annotated[str, Form(max_length=20)] = "",
           starts: Annotated[str, Form(max_length=10)] = "",
           ends: Annotated[str, Form(max_length=10)] = "",
           csrf: Annotated[str, Form()] = "") -> Response:
    """A new meeting, published to every cadre's phone."""
    check_csrf(who, csrf)
    require_admin(who)
    with district_of(request).sessions.begin() as session:
        meetings.create_meeting(session, title, place, _moment(day, starts), _moment(day, ends),
                                who.staff.username, clock(request))
    return RedirectResponse(f"{PREFIX}/meetings?done=created", status_code=303)


@router.get(PREFIX + "/meetings/{meeting_id}/checkin", response_class=HTMLResponse)
def checkin_screen(request: Request, who: Who, meeting_id: int) -> HTMLResponse:
    """The meeting room's screen; it reloads itself when the pass changes."""
    require_reviewer(who)
    district, now = district_of(request), clock(request)
    with district.sessions() as session:
        meeting = meetings.get_meeting(session, meeting_id)
        shown = meetings.current_pass(session, district.keys(), meeting, now)
        count = meetings.checkin_counts(session).get(meeting.id, 0)
    before = now < meeting.starts_at
    reload = shown.renews_in if shown else 30
    return page(request, "meeting_checkin.html", who, meeting=meeting, shown=shown, count=count,
                before=before, reload=max(1, reload))


@router.get(PREFIX + "/meetings/{meeting_id}/qr.png")
def checkin_qr(request: Request, who: Who, meeting_id: int) -> Response:
    """The pass of the slot now as a PNG (404 outside the meeting's time)."""
    require_reviewer(who)
    district = district_of(request)
    with district.sessions() as session:
        meeting = meetings.get_meeting(session, meeting_id)
        shown = meetings.current_pass(session, district.keys(), meeting, clock(request))
    if shown is None:
        raise NotFound("现在不在例会时间内", "it is not the meeting's time now")
    return Response(render_png(shown.text, box_size=10), media_type="image/png",
                    headers=NO_STORE)
