"""Rendering console pages: one Jinja2 environment, the language switch, error pages."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from district.console.i18n import LANGUAGES, text
from district.errors import DistrictError
from district.staff.logins import SignedIn

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANG_COOKIE = "up_lang"
CHINA = timezone(timedelta(hours=8))
NO_STORE = {"Cache-Control": "no-store"}


def china_time(seconds: int | None) -> str:
    """Unix seconds as China time, the way the office writes it."""
    if seconds is None:
        return ""
    return datetime.fromtimestamp(seconds, CHINA).strftime("%Y-%m-%d %H:%M")


@functools.cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = china_time
    return env


def language(request: Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE, "zh")
    return chosen if chosen in LANGUAGES else "zh"


def page(request: Request, template: str, who: SignedIn | None, status: int = 200,
         **context: Any) -> HTMLResponse:
    """Render `template` with the language, the signed-in staff and their CSRF token."""
    lang = language(request)

    def t(key: str, **params: object) -> str:
        return text(key, lang, **params)

    html = environment().get_template(template).render(
        request=request, lang=lang, t=t, who=who, csrf=who.csrf if who else "",
        path=request.url.path, **context)
    return HTMLResponse(html, status_code=status, headers=NO_STORE)


def message(exc: DistrictError, lang: str) -> str:
    return exc.en if lang == "en" else exc.zh


def error_page(request: Request, exc: DistrictError, who: SignedIn | None) -> HTMLResponse:
    """A domain error as a page: the status code of the error, its message in the language."""
    return page(request, "error.html", who, status=exc.status,
                error=message(exc, language(request)), code=exc.status)
