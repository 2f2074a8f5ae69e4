"""Scenic spots and ticket prices as the member and the window see them (SPEC §5)."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import PriceKind, Spot, Ticket
from app.ports import CatalogRepository
from app.prices import price_for


@dataclass(frozen=True)
class PriceRow:
    ticket: Ticket
    spots: tuple[Spot, ...]
    list_fen: int
    member_fen: int
    family_fen: int
    group_fen: int


def price_row(ticket: Ticket, spots_by_id: dict[str, Spot]) -> PriceRow:
    return PriceRow(
        ticket=ticket,
        spots=tuple(spots_by_id[s] for s in ticket.spot_ids if s in spots_by_id),
        list_fen=ticket.list_fen,
        member_fen=price_for(ticket, PriceKind.MEMBER),
        family_fen=price_for(ticket, PriceKind.FAMILY),
        group_fen=price_for(ticket, PriceKind.GROUP),
    )


class Catalog:
    def __init__(self, repo: CatalogRepository) -> None:
        self._repo = repo

    def spots(self) -> list[Spot]:
        return self._repo.spots()

    def price_rows(self) -> list[PriceRow]:
        """Single-spot tickets in spot order, then packages."""
        spots = {s.id: s for s in self._repo.spots()}
        order = {sid: n for n, sid in enumerate(spots)}
        tickets = sorted(self._repo.tickets(),
                         key=lambda t: (t.is_package, order.get(t.spot_ids[0], 0), t.id))
        return [price_row(t, spots) for t in tickets]

    def tickets_for_spot(self, spot_id: str) -> list[PriceRow]:
        return [r for r in self.price_rows() if spot_id in r.ticket.spot_ids]
