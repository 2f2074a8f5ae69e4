"""优惠统计: the windows' sales per spot, day, card kind and town, with charts; flagged sales;
the reconciliation export per tourism company (CSV).

A town clerk sees their town's members' sales only; a district admin may pick a town.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from app.prices import format_yuan
from district.console.auth import PREFIX, ConsoleRoute, Who, scope
from district.console.charts import saved_chart
from district.console.render import page
from district.errors import Invalid
from district.registry import towns
from district.web_context import clock, district_of
from district.windows import stats

router = APIRouter(route_class=ConsoleRoute)


def _query(request: Request, who: Who, start: str, end: str, town: str) -> stats.Query:
    mine = scope(who)
    default = stats.recent(stats.today(clock(request)))
    first = stats.day_of(start) if start.strip() else default.first
    last = stats.day_of(end) if end.strip() else default.last
    return stats.Query(first, last, mine if mine is not None else (town.strip() or None))


@router.get(PREFIX + "/stats", response_class=HTMLResponse)
def statistics(request: Request, who: Who, start: str = "", end: str = "",
               town: str = "") -> HTMLResponse:
    query = _query(request, who, start, end, town)
    with district_of(request).sessions() as session:
        shown = stats.report(session, query)
        companies = stats.companies(session)
        all_towns = towns.all_towns(session) if scope(who) is None else []
    charts = {name: saved_chart(getattr(shown, name))
              for name in ("by_spot", "by_day", "by_kind", "by_town")}
    return page(request, "stats.html", who, r=shown, charts=charts, yuan=format_yuan,
                start=stats.date_of(query.first), end=stats.date_of(query.last),
                town=query.town_id or "", towns=all_towns, companies=companies,
                own_town=scope(who) is not None)


@router.get(PREFIX + "/stats/export.csv")
def export(request: Request, who: Who, company: str, start: str = "", end: str = "",
           town: str = "") -> Response:
    """One row per sale at the company's spots in the range, then the totals (UTF-8, BOM)."""
    query = _query(request, who, start, end, town)
    with district_of(request).sessions() as session:
        if company not in stats.companies(session):
            raise Invalid(f"没有这家旅游公司：{company}", f"no such tourism company: {company}")
        body = stats.reconciliation_csv(session, company, query)
    name = f"{company}-{stats.date_of(query.first)}-{stats.date_of(query.last)}.csv"
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f"attachment; filename=\"reconciliation.csv\"; "
                               f"filename*=UTF-8''{quote(name)}",
        "Cache-Control": "no-store"})
