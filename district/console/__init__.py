"""The district console: server-rendered pages for district staff (FastAPI + Jinja2).

`router()` is included by `district.web.create_app`; nothing happens at import time.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

from district.console import (
    pages_audit,
    pages_auth,
    pages_cadre_codes,
    pages_cadres,
    pages_cards,
    pages_codes,
    pages_compliance,
    pages_enterprises,
    pages_family,
    pages_import,
    pages_meetings,
    pages_members,
    pages_needy,
    pages_needy_import,
    pages_review,
    pages_stats,
    pages_windows,
)
from district.console.auth import PREFIX, ConsoleRoute
from district.errors import NotFound

STYLE = Path(__file__).resolve().parent / "static" / "console.css"


def stylesheet() -> Response:
    return Response(STYLE.read_bytes(), media_type="text/css",
                    headers={"Cache-Control": "max-age=3600"})


def no_such_page(rest: str) -> Response:
    raise NotFound(f"没有这个页面：/console/{rest}", f"no such page: /console/{rest}")


def router() -> APIRouter:
    """Every console page under /console, its stylesheet, and a 404 page for the rest."""
    console = APIRouter(include_in_schema=False, route_class=ConsoleRoute)
    for pages in (pages_auth, pages_members, pages_codes, pages_cards, pages_family, pages_audit,
                  pages_windows, pages_stats, pages_import, pages_review, pages_compliance,
                  pages_cadres, pages_cadre_codes, pages_enterprises, pages_needy_import,
                  pages_needy, pages_meetings):
        console.include_router(pages.router)
    console.add_api_route(PREFIX + "/static/console.css", stylesheet, methods=["GET"])
    console.add_api_route(PREFIX + "/{rest:path}", no_such_page, methods=["GET"])
    return console
