"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from district.console.auth import PREFIX, SESSION_COOKIE, ConsoleRoute, Who, check_csrf
from district.console.render import LANG_COOKIE, language, message, page
from district.errors import DistrictError, Forbidden
from district.staff import accounts, logins
from district.staff.tables import Staff
from district.web_context import client_of, clock, district_of

LOGIN_COOKIE = "up_login"  # double-submit token of the sign-in form (no session yet)
YEAR = 365 * 86400

router = APIRouter(route_class=ConsoleRoute)


def _safe_next(target: str) -> str:
    """Only paths inside the console: never an open redirect to another site."""
    return target if target.startswith(PREFIX + "/") and "//" not in target else PREFIX + "/members"


def _login_page(request: Request, token: str, status: int = 200, error: str = "",
                username: str = "", next_url: str = "") -> HTMLResponse:
    response = page(request, "login.html", None, status=status, login_token=token, error=error,
                    username=username, next_url=_safe_next(next_url))
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", path=PREFIX,
                        secure=request.url.scheme == "https")
    return response


@router.get(PREFIX + "/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "") -> HTMLResponse:
    return _login_page(request, secrets.token_urlsafe(24), next_url=next)


def _signed_in_response(request: Request, cookie: str, next_url: str) -> RedirectResponse:
    response = RedirectResponse(_safe_next(next_url), status_code=303)
    response.set_cookie(SESSION_COOKIE, cookie, max_age=logins.SESSION_SECONDS,
                        httponly=True, samesite="lax", path=PREFIX,
                        secure=request.url.scheme == "https")
    response.delete_cookie(LOGIN_COOKIE, path=PREFIX)
    return response


@router.post(PREFIX + "/login", response_class=HTMLResponse)
def login(request: Request, username: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "", login_token: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "") -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not (expected and hmac.compare_digest(expected.encode(), login_token.encode())):
        raise Forbidden("登录表单已失效，请刷新页面后重新登录",
                        "the sign-in form expired: reload the page and sign in again")
    now, district = clock(request), district_of(request)
    key = logins.cookie_key(district.keys())  # before the transaction: it may read the salt
    with district.sessions.begin() as session:
        outcome = accounts.sign_in(session, username, password, client_of(request), now)
        cookie = (logins.open_session(session, key, outcome, now)
                  if isinstance(outcome, Staff) else None)
    if cookie is None:
        assert isinstance(outcome, DistrictError)
        return _login_page(request, secrets.token_urlsafe(24), outcome.status,
                           message(outcome, language(request)), username, next)
    return _signed_in_response(request, cookie, next)


@router.post(PREFIX + "/logout")
def logout(request: Request, who: Who, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(who, csrf)
    with district_of(request).sessions.begin() as session:
        logins.close_session(session, who, clock(request))
    response = RedirectResponse(PREFIX + "/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response


@router.get(PREFIX + "/lang/{lang}")
def switch_language(lang: str, next: str = "") -> Response:
    """Remember the language in a cookie (a preference only; it changes nothing stored)."""
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, "en" if lang == "en" else "zh", max_age=YEAR,
                        samesite="lax", path=PREFIX)
    return response


@router.get(PREFIX)
@router.get(PREFIX + "/")
def home() -> Response:
    """The console's address in either spelling (`scripts/run` prints /console/)."""
    return RedirectResponse(PREFIX + "/members", status_code=303)
