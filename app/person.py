"""Whose card it is, for the usage rule of SPEC §5: one discounted ticket per PERSON per spot per
day. A member may hold a phone card and a printed card, a family member too; a replaced card
has a new serial. All of one person's cards give the same key, read from the signed claims
alone, so a window answers it offline:

- the member: their member number (claim 4);
- a family member: the member's number with the family member's name and ID last 4 (claims 3
  and 6). Not the primary serial (claim 7), which changes whenever the member's own card is
  replaced, nor the relation (claim 8), which tells two children apart no better than the name.

The district keys its sales the same way (`district.windows.sales`).
"""

from __future__ import annotations

import json
import unicodedata

from app.card import CardClaims
from app.models import CardKind


def person_key(member_no: str, kind: CardKind, name: str = "", id_last4: str = "") -> str:
    """The person's key as text (kept with each sale on the window)."""
    if kind is CardKind.MEMBER:
        parts = ["member", member_no.strip()]
    else:
        parts = ["family", member_no.strip(), _plain(name), id_last4.strip().upper()]
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


def person_of(claims: CardClaims) -> str:
    """The key of the person a card belongs to."""
    return person_key(claims.member_no, claims.kind, claims.name, claims.id_last4)


def _plain(name: str) -> str:
    """The name as written, whatever its Unicode form and spacing (王 喆 is 王喆)."""
    return "".join(unicodedata.normalize("NFKC", name).split())
