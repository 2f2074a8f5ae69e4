"""`GET /api/v1/lists/trust` and `/status`: the newest signed lists, public (no token)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from district.api.common import ERRORS, PREFIX, ApiRoute, b64
from district.cards import lists
from district.web_context import district_of

router = APIRouter(prefix=f"{PREFIX}/lists", tags=["lists"], route_class=ApiRoute,
                   responses=ERRORS)


def _signed(request: Request, kind: str) -> dict[str, object]:
    with district_of(request).sessions() as session:
        row = lists.current(session, kind)
        return {"kind": kind, "version": row.version, "issued_at": row.issued_at,
                "data": b64(row.data), "root_public_key": b64(lists.root_public(session))}


@router.get("/trust")
def trust_list(request: Request) -> dict[str, object]:
    """The newest trust list (COSE signed by the district root, base64). Public: no token."""
    return _signed(request, lists.TRUST)


@router.get("/status")
def status_list(request: Request) -> dict[str, object]:
    """The newest status list (COSE signed by the district root, base64). Public: no token."""
    return _signed(request, lists.STATUS)
