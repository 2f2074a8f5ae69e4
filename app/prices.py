"""Ticket prices in integer fen (SPEC §5). Money is never a float."""

from __future__ import annotations

from app.models import CardKind, PriceKind, Rounding, Ticket

BASIS = 10_000


def apply_rate(list_fen: int, rate_bp: int, rounding: Rounding = Rounding.FEN) -> int:
    """list × rate, rounded half up to the rounding step."""
    if list_fen < 0 or rate_bp < 0:
        raise ValueError("price and rate must not be negative")
    unit = BASIS * int(rounding)
    steps, rest = divmod(list_fen * rate_bp, unit)
    if 2 * rest >= unit:
        steps += 1
    return steps * int(rounding)


def price_for(ticket: Ticket, kind: PriceKind) -> int:
    rate = {
        PriceKind.LIST: BASIS,
        PriceKind.MEMBER: ticket.member_bp,
        PriceKind.FAMILY: ticket.family_bp,
        PriceKind.GROUP: ticket.group_bp,
    }[kind]
    if kind is PriceKind.LIST:
        return ticket.list_fen
    return apply_rate(ticket.list_fen, rate, ticket.rounding)


def price_for_card(ticket: Ticket, card_kind: CardKind) -> int:
    kind = PriceKind.MEMBER if card_kind is CardKind.MEMBER else PriceKind.FAMILY
    return price_for(ticket, kind)


def format_yuan(fen: int) -> str:
    """3978 → "39.78"; -50 → "-0.50"."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}"


def parse_yuan(text: str) -> int:
    """"39.78" → 3978; raises ValueError with a message for anything else."""
    cleaned = text.strip().removeprefix("¥").removesuffix("元").strip()
    whole, _, frac = cleaned.partition(".")
    if not whole.isdigit() or (frac and not frac.isdigit()) or len(frac) > 2:
        raise ValueError(f"不是有效的金额 / not an amount: {text!r}")
    return int(whole) * 100 + int(frac.ljust(2, "0") or 0)
