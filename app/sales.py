"""The window's sales as a hash chain (SPEC §2 Window staff: an append-only, hash-chained log).

Each sale's `hash` is the hex SHA-256 of its `prev_hash` (ASCII hex) followed by the canonical
encoding of every other field: a JSON object with sorted keys, no spaces, UTF-8, the card kind as
"member" / "family"; "person" only when the sale has one (sales made before windows kept it hash
as they always did). The first sale's `prev_hash` is `GENESIS`. After old sales are pruned the
chain starts from an `Anchor`: the seq and hash of the last sale that went.

Shared by every `SalesLog` implementation: `check_link` on append, `first_broken` to verify,
`SaleIndex` for the usage rules of SPEC §5 in O(1): uses per person (`app.person`) per spot per
day, the presentations that bought.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from app.models import CardKind, Sale

GENESIS = "0" * 64
KIND_NAMES = {CardKind.MEMBER: "member", CardKind.FAMILY: "family"}


@dataclass(frozen=True)
class Anchor:
    """Where the kept chain starts: the last pruned sale's seq and hash (0 and GENESIS at first)."""

    seq: int = 0
    hash: str = GENESIS


def canonical(sale: Sale) -> bytes:
    """Every field but `prev_hash` and `hash`, in one reproducible byte string."""
    body: dict[str, Any] = {
        "id": sale.id, "seq": sale.seq, "at": sale.at, "day": sale.day,
        "spot_id": sale.spot_id, "ticket_id": sale.ticket_id, "ticket_name": sale.ticket_name,
        "serial": sale.serial, "kind": KIND_NAMES[sale.kind], "name": sale.name,
        "presentation_id": sale.presentation_id, "list_fen": sale.list_fen,
        "paid_fen": sale.paid_fen, "override": sale.override,
    }
    if sale.person is not None:
        body["person"] = sale.person
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sale_hash(sale: Sale) -> str:
    return hashlib.sha256(sale.prev_hash.encode("ascii") + canonical(sale)).hexdigest()


def sealed(sale: Sale) -> Sale:
    """The sale with its `hash` computed from its fields and `prev_hash`."""
    return replace(sale, hash=sale_hash(sale))


def check_link(tail: Anchor, sale: Sale) -> None:
    """Raise ValueError unless `sale` comes right after `tail` and its hash is its own."""
    if sale.seq != tail.seq + 1:
        raise ValueError(f"sale seq {sale.seq} does not follow {tail.seq}")
    if sale.prev_hash != tail.hash:
        raise ValueError(f"sale {sale.seq} does not link to the chain's last hash")
    if sale.hash != sale_hash(sale):
        raise ValueError(f"sale {sale.seq} carries a hash that is not its own")


def anchor_of(sale: Sale) -> Anchor:
    return Anchor(sale.seq, sale.hash)


def first_broken(anchor: Anchor, sales: Iterable[Sale]) -> int | None:
    """The seq of the first sale (in seq order) that does not link, or None if all do."""
    tail = anchor
    for sale in sorted(sales, key=lambda s: s.seq):
        try:
            check_link(tail, sale)
        except ValueError:
            return sale.seq
        tail = anchor_of(sale)
    return None


def prunable(sales: Iterable[Sale], before_day: int, keep: set[str]) -> list[Sale]:
    """The oldest run of sales made before `before_day` and not in `keep`: stopping at the first
    that must stay keeps the rest one unbroken chain. The newest sale always stays: the next sale
    links to it."""
    run: list[Sale] = []
    for sale in sorted(sales, key=lambda s: s.seq)[:-1]:
        if sale.day >= before_day or sale.id in keep:
            break
        run.append(sale)
    return run


@dataclass
class SaleIndex:
    """What the usage rules ask, answered from memory: (person, spot, day) and presentations.
    A sale kept before windows recorded the person counts for its card's serial (`by_card`)."""

    uses: Counter[tuple[str, str, int]] = field(default_factory=Counter)
    by_card: Counter[tuple[int, str, int]] = field(default_factory=Counter)
    presentations: set[str] = field(default_factory=set)
    by_day: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, sales: Iterable[Sale]) -> SaleIndex:
        index = cls()
        for sale in sorted(sales, key=lambda s: s.seq):
            index.add(sale)
        return index

    def add(self, sale: Sale) -> None:
        if sale.person is None:
            self.by_card[(sale.serial, sale.spot_id, sale.day)] += 1
        else:
            self.uses[(sale.person, sale.spot_id, sale.day)] += 1
        if sale.presentation_id is not None:
            self.presentations.add(sale.presentation_id)
        self.by_day.setdefault(sale.day, []).append(sale.id)

    def uses_today(self, person: str, serial: int, spot_id: str, day: int) -> int:
        """Discounted tickets the person bought at the spot that day (`serial`: the card now
        shown, for the sales kept before the person was)."""
        return self.uses[(person, spot_id, day)] + self.by_card[(serial, spot_id, day)]

    def presentation_used(self, presentation_id: bytes) -> bool:
        return presentation_id.hex() in self.presentations

    def day_ids(self, day: int) -> list[str]:
        return list(self.by_day.get(day, ()))
