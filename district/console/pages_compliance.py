"""The "五个一" matrix (SPEC §10), district admins and reviewers only: a year of cadres × duties
× periods, one coloured cell with a symbol per state (it reads in grey print), counts per row and
per column, each cell leading to its records and to "not applicable" with a reason; the CSV
downloads of the matrix and of the records; a cadre's work-day diaries of a year, to print."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from app.cadre_wire import FIELDS
from app.chinatime import china_date
from app.duties import DUTY_ORDER, CellState, Duty, Period, period_by_key
from district.cadres import compliance, exemptions, exports, record_search
from district.cadres.record_search import RecordFilter
from district.cadres.tables import DutyExemption
from district.cadres.words import STATE_SYMBOLS, STATE_WORDS, shown_fields
from district.console.auth import PREFIX, ConsoleRoute, Who, check_csrf, require_reviewer
from district.console.pages_review import queue_filter, words
from district.console.render import language, page
from district.errors import Invalid, NotFound
from district.tables import Cadre
from district.web_context import clock, district_of

router = APIRouter(route_class=ConsoleRoute)
STATES = tuple(CellState)
CSV = "text/csv; charset=utf-8"


def period_label(duty: Duty, period: Period, lang: str) -> str:
    """A column's short heading: "3月", "3–4月", "Q1" (or "Mar", "Mar–Apr")."""
    if duty is Duty.NEEDY_VISIT:
        return period.key[5:]
    first, last = period.first.strftime("%b"), period.last.strftime("%b")
    if lang != "en":
        first, last = f"{period.first.month}", f"{period.last.month}"
        return f"{first}月" if first == last else f"{first}–{last}月"
    return first if first == last else f"{first}–{last}"


def _year(request: Request, year: int | None) -> int:
    return year if year is not None else china_date(clock(request)).year


@router.get(PREFIX + "/compliance", response_class=HTMLResponse)
def matrix_page(request: Request, who: Who, year: int | None = None) -> HTMLResponse:
    require_reviewer(who)
    chosen_year = _year(request, year)
    lang = language(request)
    with district_of(request).sessions() as session:
        matrix = compliance.build(session, compliance.selection(str(chosen_year)),
                                  clock(request))
    return page(request, "compliance.html", who, matrix=matrix, year=chosen_year,
                duties=DUTY_ORDER, states=STATES, symbols=STATE_SYMBOLS,
                state_words={s: STATE_WORDS[s][1 if lang == "en" else 0] for s in STATES},
                label=lambda d, p: period_label(d, p, lang), words=words(lang))


def _cell(duty: str, period: str) -> tuple[Duty, Period]:
    try:
        chosen = Duty(duty)
        return chosen, period_by_key(chosen, period)
    except ValueError:
        raise NotFound("没有这一项任务或这个周期", "no such duty or period") from None


def cell_page(request: Request, who: Who, cadre_no: str, duty: str, period: str,
              subject: str, status: int = 200, error: str = "", done: str = "",
              reason: str = "") -> HTMLResponse:
    chosen, span = _cell(duty, period)
    with district_of(request).sessions() as session:
        cadre = session.scalars(select(Cadre).where(Cadre.cadre_no == cadre_no)).one_or_none()
        if cadre is None:
            raise NotFound(f"没有干部 {cadre_no}", f"no cadre {cadre_no}")
        found = record_search.find(session, RecordFilter(
            cadre_no=cadre_no, duty=chosen.value, first=span.first, last=span.last,
            subject=subject if chosen is Duty.NEEDY_VISIT else None))
        exempt = session.scalars(select(DutyExemption).where(
            DutyExemption.cadre_id == cadre.id, DutyExemption.duty == chosen.value,
            DutyExemption.period_key == span.key, DutyExemption.subject == subject)).first()
    return page(request, "compliance_cell.html", who, status=status, cadre=cadre,
                duty=chosen, period=span, subject=subject, found=found, exempt=exempt,
                error=error, done=done, reason=reason, words=words(language(request)))


@router.get(PREFIX + "/compliance/cell/{cadre_no}/{duty}/{period}",
            response_class=HTMLResponse)
def cell(request: Request, who: Who, cadre_no: str, duty: str, period: str,
         subject: str = "", done: str = "") -> HTMLResponse:
    require_reviewer(who)
    return cell_page(request, who, cadre_no, duty, period, subject,
                     done=done if done in ("set", "cleared") else "")


@router.post(PREFIX + "/compliance/cell/{cadre_no}/{duty}/{period}",
             response_class=HTMLResponse)
def exempt(request: Request, who: Who, cadre_no: str, duty: str, period: str,
           csrf: Annotated[str, Form()] = "", subject: Annotated[str, Form()] = "",
           reason: Annotated[str, Form()] = "", action: Annotated[str, Form()] = "set"
           ) -> Response:
    """Mark the cell not applicable with a reason, or clear that."""
    require_reviewer(who)
    check_csrf(who, csrf)
    staff, now = who.staff, clock(request)
    try:
        with district_of(request).sessions.begin() as session:
            if action == "clear":
                exemptions.clear_exemption(session, cadre_no, duty, period, subject,
                                           staff.username, staff.role, now)
            else:
                exemptions.set_exemption(session, cadre_no, duty, period, subject, reason,
                                         staff.username, staff.role, now)
    except Invalid as exc:
        return cell_page(request, who, cadre_no, duty, period, subject, exc.status,
                         exc.en if language(request) == "en" else exc.zh, reason=reason)
    done = "cleared" if action == "clear" else "set"
    return RedirectResponse(f"{PREFIX}/compliance/cell/{cadre_no}/{duty}/{period}"
                            f"?subject={subject}&done={done}", status_code=303)


@router.get(PREFIX + "/compliance.csv")
def matrix_csv(request: Request, who: Who, period: str = "") -> Response:
    """The matrix of a year, quarter or month as the office's CSV."""
    require_reviewer(who)
    chosen = compliance.selection(period or str(_year(request, None)))
    with district_of(request).sessions() as session:
        matrix = compliance.build(session, chosen, clock(request))
    body = exports.office_csv(exports.compliance_rows(matrix), exports.COMPLIANCE_COLUMNS)
    return _download(body, f"compliance-{chosen.name}.csv")


@router.get(PREFIX + "/records.csv")
def records_csv(request: Request, who: Who, cadre: str = "", duty: str = "", month: str = "",
                state: str = "", year: int | None = None) -> Response:
    """The records chosen (by the queue's filters, or a year's) as the office's CSV."""
    require_reviewer(who)
    chosen = queue_filter(cadre, duty, month, state)
    if year is not None and not month:
        span = compliance.selection(str(year))
        chosen = RecordFilter(chosen.state, chosen.cadre_no, chosen.duty, None, span.first,
                              span.last)
    with district_of(request).sessions() as session:
        rows = exports.record_rows(record_search.find(session, chosen))
    return _download(exports.office_csv(rows, exports.RECORD_COLUMNS), "records.csv")


def _download(body: bytes, name: str) -> Response:
    return Response(body, media_type=CSV, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@router.get(PREFIX + "/cadres/{cadre_no}/diaries", response_class=HTMLResponse)
def diaries(request: Request, who: Who, cadre_no: str, year: int | None = None) -> HTMLResponse:
    """A cadre's work-day diaries of a year, oldest first, laid out for printing."""
    require_reviewer(who)
    chosen_year, lang = _year(request, year), language(request)
    span = compliance.selection(str(chosen_year))
    with district_of(request).sessions() as session:
        cadre = session.scalars(select(Cadre).where(Cadre.cadre_no == cadre_no)).one_or_none()
        if cadre is None:
            raise NotFound(f"没有干部 {cadre_no}", f"no cadre {cadre_no}")
        found = record_search.find(session, RecordFilter(
            cadre_no=cadre_no, duty=Duty.WORK_DAY.value, first=span.first, last=span.last))
    found.sort(key=lambda f: (f.record.activity_day, f.record.id))
    shown = [(f, shown_fields(FIELDS[Duty.WORK_DAY], f.content, lang)) for f in found]
    return page(request, "diaries.html", who, cadre=cadre, year=chosen_year, diaries=shown,
                words=words(lang))
