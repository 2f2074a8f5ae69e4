"""Who is signed in, CSRF checks, the town scope, and the console's route class.

`ConsoleRoute` turns the console's failures into pages: no session → the sign-in page,
a domain error → an error page with its status (403 outside the clerk's town, 404, 409, …).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from district.console.render import error_page
from district.errors import DistrictError, Forbidden, Invalid
from district.staff import logins
from district.staff.accounts import CADRE_REVIEWERS, DISTRICT_ADMIN
from district.staff.logins import SignedIn
from district.web_context import clock, district_of

SESSION_COOKIE = "up_session"
PREFIX = "/console"


class NeedsSignIn(Exception):
    """No live session: the browser is sent to the sign-in page."""


def current(request: Request) -> SignedIn:
    """The signed-in staff member of this request, or `NeedsSignIn`."""
    cookie, now = request.cookies.get(SESSION_COOKIE), clock(request)
    district = district_of(request)
    key = logins.cookie_key(district.keys())  # locked keys: an error page (503), no sign-in
    with district.readers() as session:  # never waits for a writer (an import, on SQLite)
        who = logins.signed_in(session, key, cookie, now)
    if who is None:
        raise NeedsSignIn()
    request.state.who = who
    return who


Who = Annotated[SignedIn, Depends(current)]


def check_csrf(who: SignedIn, sent: str) -> None:
    """Every POST form carries the session's CSRF token; without it nothing is done (403)."""
    if not logins.csrf_matches(who, sent):
        raise Forbidden("表单安全校验未通过（可能已过期），请返回重新打开页面后再提交",
                        "the form's security token is missing or stale: reopen the page")


def scope(who: SignedIn) -> str | None:
    """The town the staff member is limited to; None for a district admin."""
    return None if who.staff.role == DISTRICT_ADMIN else who.staff.town_id or "-"


def require_reviewer(who: SignedIn) -> None:
    """The cadres' records and the needy-worker files: district admins and reviewers only."""
    if who.staff.role not in CADRE_REVIEWERS:
        raise Forbidden("只有区总工会管理员和审核人员可以查看",
                        "only district admins and reviewers may see this")


def require_admin(who: SignedIn) -> None:
    """Managing the cadres, their key enterprises and the needy-worker files: district admins."""
    if who.staff.role != DISTRICT_ADMIN:
        raise Forbidden("只有区总工会管理员可以办理", "only district admins may do this")


def sign_in_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    wanted = target if request.method == "GET" else PREFIX + "/members"
    return RedirectResponse(f"{PREFIX}/login?next={quote(wanted)}", status_code=303)


class ConsoleRoute(APIRoute):
    """Routes whose errors are pages, not JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except NeedsSignIn:
                return sign_in_redirect(request)
            except RequestValidationError:
                exc = Invalid("地址或表单里的参数不对，请返回重新操作",
                              "the address or the form has a bad value: go back and retry")
                return error_page(request, exc, getattr(request.state, "who", None))
            except DistrictError as exc:
                return error_page(request, exc, getattr(request.state, "who", None))

        return run
