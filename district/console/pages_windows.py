"""Window devices of the scenic spots: the list per spot, enrollment codes, revoking a tablet.

A district admin acts on every spot; a town clerk on the spots of their town only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from district.console.auth import PREFIX, ConsoleRoute, Who, check_csrf, scope
from district.console.render import page
from district.errors import Forbidden
from district.web_context import clock, district_of
from district.windows import window_devices

router = APIRouter(route_class=ConsoleRoute)


@router.get(PREFIX + "/windows", response_class=HTMLResponse)
def window_list(request: Request, who: Who, done: str = "") -> HTMLResponse:
    with district_of(request).sessions() as session:
        spots = window_devices.spots_in(session, scope(who))
        rows = window_devices.window_rows(session, scope(who))
    by_spot = {spot.id: [r for r in rows if r.spot_id == spot.id] for spot in spots}
    return page(request, "windows.html", who, spots=spots, by_spot=by_spot,
                done=done if done == "revoked" else "")


@router.post(PREFIX + "/windows/{spot_id}/code", response_class=HTMLResponse)
def create_code(request: Request, who: Who, spot_id: str,
                csrf: Annotated[str, Form()] = "") -> HTMLResponse:
    """A one-time enrollment code for the spot, shown once (only its hash is stored)."""
    check_csrf(who, csrf)
    now = clock(request)
    with district_of(request).sessions.begin() as session:
        spot = window_devices.get_spot(session, spot_id)
        if spot.id not in {s.id for s in window_devices.spots_in(session, scope(who))}:
            raise Forbidden("这个景点不在您所在的镇，您无权为它登记窗口设备",
                            "this spot is in another town: you may not enroll its windows")
        code = window_devices.create_window_code(session, spot.id, who.staff.username, now)
    return page(request, "window_code.html", who, spot=spot, code=code,
                expires_at=now + window_devices.VALID_DAYS * 86_400, days=window_devices.VALID_DAYS)


@router.post(PREFIX + "/windows/device/{device_id}/revoke")
def revoke(request: Request, who: Who, device_id: str,
           csrf: Annotated[str, Form()] = "") -> Response:
    """A lost tablet: its token stops working at once."""
    check_csrf(who, csrf)
    with district_of(request).sessions.begin() as session:
        window_devices.revoke_window(session, device_id, scope(who), who.staff.username,
                                     clock(request))
    return RedirectResponse(f"{PREFIX}/windows?done=revoked", status_code=303)
