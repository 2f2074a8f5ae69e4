"""The audit log: every action as a sentence with who and when (China time), newest first,
filtered by actor and action."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from district import audit
from district.console import audit_text
from district.console.auth import PREFIX, ConsoleRoute, Who, scope
from district.console.render import language, page
from district.tables import AuditEntry
from district.web_context import district_of

router = APIRouter(route_class=ConsoleRoute)
PAGE_SIZE = 50


def entries(session: Session, actor: str, action: str, before: int | None,
            only_actor: str | None) -> list[AuditEntry]:
    """Newest first; `before` pages by id; `only_actor` limits a town clerk to their own."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(PAGE_SIZE + 1)
    for column, value in ((AuditEntry.actor, only_actor or actor), (AuditEntry.action, action)):
        if value:
            query = query.where(column == value)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    return list(session.scalars(query))


@router.get(PREFIX + "/audit", response_class=HTMLResponse)
def audit_log(request: Request, who: Who, actor: str = "", action: str = "",
              before: int | None = None) -> HTMLResponse:
    """A district admin sees everything; a town clerk sees the actions they did themselves."""
    only = None if scope(who) is None else who.staff.username
    lang = language(request)
    with district_of(request).readers() as session:
        rows = entries(session, actor.strip(), action.strip(), before, only)[:PAGE_SIZE + 1]
        details = [audit.details_of(entry) for entry in rows[:PAGE_SIZE]]
        names = audit_text.names_for(session, rows[:PAGE_SIZE], details)
    shown = [(entry, audit_text.say(entry, d, names, lang))
             for entry, d in zip(rows, details, strict=False)]
    older = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    labels = {key: (en if lang == "en" else zh) for key, (zh, en) in audit_text.LABELS.items()}
    return page(request, "audit.html", who, rows=shown, actor=actor, action=action,
                older=older, own_only=only is not None, labels=labels)
