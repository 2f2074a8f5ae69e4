"""Sync (SPEC §6): `POST /api/v1/sync/push` and `GET /api/v1/sync/pull`, JSON, Bearer device token.

Push — `{"changes": [change, …]}`, at most 500 changes, each::

    {"change_id": "<uuid>", "seq": 17, "entity": "family_request", "record_id": "<client id>",
     "op": "upsert" | "delete", "base_version": null | int, "schema": 1, "fields": {…}}

`seq` is the device's own sequence number and must increase from change to change (gaps are
fine). The answer has one result per change, in the order sent::

    {"results": [{"change_id", "status", "version", "server_copy", "reason", "message",
                  "message_en"}], "generation": str}

- "applied": done now; `version` is the record's new version, `server_copy` the server's copy.
- "duplicate": this change id was applied before; `version`/`server_copy` are those of then.
  (A change id that was rejected or in conflict before gets that same answer again.)
- "conflict": not applied because of the server's state; `server_copy` shows it, `reason` why
  (e.g. "family_limit", "already_sent"). Parked for a person; it blocks nothing else.
- "rejected": cannot be applied as sent; `reason` says why ("unknown_entity", "schema_too_new",
  "invalid_fields", "forbidden", "seq_not_increasing", …). A "seq_not_increasing" change was not
  stored: send it again with a new change id and a higher seq. It blocks nothing else.
`message` (中文) and `message_en` can be shown to the user. Every change is applied exactly
once; a batch is one transaction holding the changes, their entity writes and their change-log
entries (a 5xx or a lost reply means: send the same batch again).

Pushable now: `family_request` (schema 1, op "upsert", fields name, relation, id_last4) — it
asks for a family card; its server copy is `{"number", "name", "relation", "state",
"card_serial"}`, and the family member then arrives by pull as entity "family" with that number.
From a window device only: `sale` (schema 1, op "upsert", record id = the window's sale id, 32
hex; see `app.sale_wire` for its fields); its server copy is `{"sale_id", "received": true}`
(nothing about the card: a window must not learn which serials exist). A phone pushing "sale",
or a window pushing "family_request", gets "rejected"/"forbidden".
From a cadre's phone only (role "cadre", `POST /api/v1/cadres/enroll`): `cadre_record` (schema
1, op "upsert", record id = the phone's record uuid; fields and rules in `app.cadre_wire`); it
is "applied" when the revision is submitted, "conflict" (server copy = the district's copy of
the record: state, revision, comment, reviewed_at) when the revision is stale, the record is
under review or approved, or the cadre already checked in at that meeting; "rejected" with
the reason in words when a field is wrong or a meeting check-in does not verify.

Pull — `GET /api/v1/sync/pull?cursor=N&limit=M&generation=G` (cursor 0 at first, limit 1–1000,
default 500; generation as last answered, see below)::

    {"changes": [{"cursor", "entity", "record_id", "op": "upsert" | "tombstone", "version",
                  "fields": {…} | null}], "next_cursor": int, "more": bool,
     "generation": str, "start_over": bool}

Only the device's own scope and the public one, in cursor order; store the page, re-apply the
unsent changes, then save `next_cursor`; ask again while `more`. Cursors never skip a committed
change. Each record comes as its newest entry only: a change replaces the record's older
entries, so a first sync gets each record once (one status list, not every one ever signed),
and a record changed twice after `cursor` arrives once, as it is now. Cursors have gaps.
A tombstone's `fields` is null or `{"reason": …}` (why a card went: "withdrawn", "replaced", a
revocation's reason). Entities: "card" (record id = serial; fields serial, kind,
exp, issued_at, family_id, primary_serial, holder_key, printed, cose — base64), "family"
(member's phone only; record id = number), "redemption" (a discounted purchase), "spot" and
"ticket" (public). A member's phone sees its member's and their family's cards; a family
member's phone sees only that family member's cards. A window device (role "window") pulls the
public scope and its spot's ("spot:<id>"): lists, spots and tickets, nothing of any member.
A cadre's phone pulls the public scope, its cadre's ("cadre:<id>": profile, needy workers,
records' states, exemptions) and the cadres' ("cadres": meetings), nothing of any member.

Generation — both answers carry `"generation"`, the district's generation: a random id that
changes whenever the district is restored from a backup (`python -m district restore`). A
device keeps it with its cursor and pulls with `&generation=G`; when G is not the district's
any more, the answer is `{"changes": [], "next_cursor": 0, "more": true, "generation": <new>,
"start_over": true}`: the restore took the log back, so the device pulls again from cursor 0,
drops what it holds that the new generation does not send again, and pushes again every change
it had been answered "applied" or "duplicate" for (it keeps them a while for this): those the
backup already had come back "duplicate", the others are applied now. A push answer's
generation is read before its changes are applied, so a device that sees a new one in it
knows the changes of that batch are in the new generation. A device that sends no
generation gets pages as before.

No token or a token that does not work: 401 `{"error": "unauthorized", …}`.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, ConfigDict, Field

from app.models import WireChange
from app.text_rules import INT64_MAX
from district.api.common import ERRORS, PREFIX, ApiRoute, bearer, device_session
from district.feed import changelog
from district.phones import devices
from district.phones.tables import Device
from district.sync import entities
from district.sync.handler import Pusher
from district.sync.push import push as push_exactly_once
from district.web_context import clock, district_of

router = APIRouter(prefix=f"{PREFIX}/sync", tags=["sync"], route_class=ApiRoute,
                   responses=ERRORS)
Token = Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]
MAX_BATCH, MAX_PAGE = 500, 1000


class ChangeIn(BaseModel):
    """One change as a device sends it. Only its shape is checked here: a change with a value
    out of range (a sequence number ≥ 2^63, a control character in its record id, an unknown
    operation, fields that are not a small JSON object…) is answered "rejected" on its own by
    `district.sync.checks`, and the rest of the batch goes on."""

    model_config = ConfigDict(extra="ignore")
    change_id: str = Field(pattern=r"^[0-9a-fA-F-]{32,36}$",
                           examples=["3f2b8c1e-0d4a-4f6e-9b1a-2c3d4e5f6a7b"])
    seq: int = Field(description="the device's own increasing number, 1 … 2^63-1")
    entity: str = Field(examples=["family_request", "sale"])
    record_id: str = Field(description="1–64 characters, no control characters")
    op: str = Field(description='"upsert" or "delete"', examples=["upsert"])
    base_version: int | None = None
    schema_: int = Field(alias="schema", description="1 … 1000")
    fields: Any = Field(default_factory=dict, description="a JSON object")

    def change(self) -> WireChange:
        return WireChange(self.change_id.lower(), self.seq, self.entity, self.record_id,
                          self.op, self.base_version, self.schema_, self.fields)


class PushIn(BaseModel):
    changes: list[ChangeIn] = Field(max_length=MAX_BATCH)


def scopes_of(device: Device) -> list[str]:
    """What a device may pull: its own scope (its person's, its spot's for a window, its
    cadre's for a cadre's phone) and the public one; a cadre's phone also the cadres' scope
    (the study meetings). A window or a cadre's phone gets nothing of any member, and a
    member's phone nothing of any cadre."""
    if device.role == devices.CADRE:
        return [changelog.cadre_scope(device.cadre_id or 0), changelog.CADRES, changelog.PUBLIC]
    if device.spot_id is not None:
        own = changelog.spot_scope(device.spot_id)
    elif device.family_id is not None:
        own = changelog.family_scope(device.family_id)
    else:
        own = changelog.member_scope(device.member_id or 0)
    return [own, changelog.PUBLIC]


def _pusher(request: Request, device: Device) -> Pusher:
    district = district_of(request)
    return Pusher(
        device.id, device.role, device.member_id, scopes_of(device)[0], clock(request),
        district.keys, district.settings.family_limit, district.settings.family_auto_approve,
        device.spot_id, district.settings.daily_limit, device.cadre_id)


def _seen(request: Request, device: Device) -> None:
    """A window's or a cadre's phone's last sync, for the console's list of window devices
    and the compliance matrix's "as of"."""
    if device.spot_id is not None or device.cadre_id is not None:
        device.seen_at = clock(request)


@router.post("/push")
def push(body: PushIn, request: Request, token: Token) -> dict[str, object]:
    """Apply each change exactly once and answer per change, in order."""
    with device_session(request, token) as (session, device):
        pusher = _pusher(request, device)
        _seen(request, device)
        generation = changelog.generation(session)  # read before applying: see the docstring
    sessions = district_of(request).sessions
    changes = [c.change() for c in body.changes]
    outcomes = push_exactly_once(sessions, entities.HANDLERS, pusher, changes)
    return {"results": [o.as_dict(c.change_id) for o, c in zip(outcomes, changes, strict=True)],
            "generation": generation}


@router.get("/pull")
def pull(request: Request, token: Token, cursor: Annotated[int, Query(ge=0, le=INT64_MAX)] = 0,
         limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 500,
         generation: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, object]:
    """The device's changes after `cursor`, in cursor order, at most `limit`; a cursor of an
    older generation is answered with "start over"."""
    with device_session(request, token) as (session, device):
        _seen(request, device)
        current = changelog.generation(session)
        if generation and generation != current:
            return {"changes": [], "next_cursor": 0, "more": True, "generation": current,
                    "start_over": True}
        rows = changelog.read(session, scopes_of(device), cursor, limit + 1)
    page = rows[:limit]
    return {"changes": [{"cursor": r.cursor, "entity": r.entity, "record_id": r.record_id,
                         "op": r.op, "version": r.version,
                         "fields": json.loads(r.fields) if r.fields is not None else None}
                        for r in page],
            "next_cursor": page[-1].cursor if page else cursor, "more": len(rows) > limit,
            "generation": current, "start_over": False}


__all__ = ["router"]
