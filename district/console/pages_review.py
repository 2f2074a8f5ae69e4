"""The review of the cadres' records (SPEC §10), district admins and reviewers only: the queue
of submitted records (oldest first; by cadre, duty, month), a record with every revision and
every review, and the approve / return / reopen forms. A decision on a revision the reviewer did
not see, or already taken by another reviewer, is refused with words; the comment typed stays in
the form."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cadre_wire import FIELDS
from app.duties import DUTY_ORDER, Duty, period_of
from district.cadres import record_search, review
from district.cadres.record_search import FoundRecord, RecordFilter, content_of
from district.cadres.tables import NeedyWorker
from district.cadres.words import DECISION_WORDS, DUTY_WORDS, RECORD_STATE_WORDS, shown_fields
from district.console.auth import PREFIX, ConsoleRoute, Who, check_csrf, require_reviewer
from district.console.render import language, message, page
from district.errors import Conflict, Invalid, NotFound
from district.web_context import clock, district_of

router = APIRouter(route_class=ConsoleRoute)
QUEUE_LIMIT = 300
DECISIONS = (review.APPROVED, review.RETURNED, review.REOPENED)


def month_span(month: str) -> tuple[dt.date, dt.date] | None:
    """"2026-03" → its first and last day; None for "" (Invalid for anything else)."""
    if not month:
        return None
    try:
        period = period_of(Duty.WORK_DAY, dt.date.fromisoformat(month + "-01"))
    except ValueError:
        raise Invalid("月份应写作 2026-03", "write the month as 2026-03") from None
    return period.first, period.last


def queue_filter(cadre: str, duty: str, month: str, state: str = "submitted") -> RecordFilter:
    span = month_span(month)
    return RecordFilter(state=state or None, cadre_no=cadre.strip() or None,
                        duty=duty if duty in DUTY_ORDER else None,
                        first=span[0] if span else None, last=span[1] if span else None)


def words(lang: str) -> dict[str, dict[str, str]]:
    """The duties', states' and decisions' words in the page's language."""
    pick = 1 if lang == "en" else 0
    return {name: {k: v[pick] for k, v in table.items()} for name, table in
            (("duty", DUTY_WORDS), ("state", RECORD_STATE_WORDS), ("decision", DECISION_WORDS))}


@router.get(PREFIX + "/review", response_class=HTMLResponse)
def queue(request: Request, who: Who, cadre: str = "", duty: str = "", month: str = "",
          done: str = "") -> HTMLResponse:
    require_reviewer(who)
    chosen = queue_filter(cadre, duty, month)
    with district_of(request).sessions() as session:
        waiting = record_search.find(session, chosen, limit=QUEUE_LIMIT)
    return page(request, "review_queue.html", who, waiting=waiting, cadre=cadre, duty=duty,
                month=month, duties=DUTY_ORDER, words=words(language(request)),
                done=done if done in DECISIONS else "")


def _subject_name(session: Session, found: FoundRecord) -> str:
    if found.record.duty != Duty.NEEDY_VISIT or not found.record.subject.isdigit():
        return found.record.subject
    name = session.scalar(select(NeedyWorker.name)
                          .where(NeedyWorker.id == int(found.record.subject)))
    return f"{name}（{found.record.subject}）" if name else found.record.subject


def record_page(request: Request, who: Who, record_id: str, status: int = 200,
                error: str = "", comment: str = "") -> HTMLResponse:
    lang = language(request)
    with district_of(request).sessions() as session:
        found = record_search.one(session, record_id)
        order = FIELDS.get(Duty(found.record.duty), ())
        revisions = [(r, shown_fields(order, content_of(r.fields), lang))
                     for r in record_search.revisions_of(session, record_id)]
        reviews = review.reviews_of(session, record_id)
        subject = _subject_name(session, found)
    return page(request, "review_record.html", who, status=status, found=found,
                revisions=revisions, reviews=reviews, subject=subject, error=error,
                comment=comment, words=words(lang))


@router.get(PREFIX + "/review/{record_id}", response_class=HTMLResponse)
def show(request: Request, who: Who, record_id: str) -> HTMLResponse:
    require_reviewer(who)
    return record_page(request, who, record_id)


@router.post(PREFIX + "/review/{record_id}/{decision}", response_class=HTMLResponse)
def decide(request: Request, who: Who, record_id: str, decision: str,
           csrf: Annotated[str, Form()] = "", revision: Annotated[int, Form()] = 0,
           comment: Annotated[str, Form()] = "") -> Response:
    """Approve, return or reopen the revision the form was shown with."""
    require_reviewer(who)
    check_csrf(who, csrf)
    if decision not in DECISIONS:
        raise NotFound("没有这种审核操作", "no such decision")
    reviewer = review.Reviewer(who.staff.username, who.staff.role)
    try:
        with district_of(request).sessions.begin() as session:
            review.decide(session, decision, record_id, revision, comment, reviewer,
                          clock(request))
    except (Invalid, Conflict) as exc:
        return record_page(request, who, record_id, exc.status,
                           message(exc, language(request)), comment)
    return RedirectResponse(f"{PREFIX}/review?done={decision}", status_code=303)

