"""Prices in integer fen (SPEC §5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models import CardKind, PriceKind, Rounding, Ticket
from app.prices import apply_rate, format_yuan, parse_yuan, price_for, price_for_card

MUDU = Ticket("mudu-4", "木渎古镇四景联票", "Mudu package", ("a", "b", "c", "d"), 7800)


def test_the_worked_example_of_the_mudu_package() -> None:
    assert format_yuan(price_for(MUDU, PriceKind.LIST)) == "78.00"
    assert format_yuan(price_for(MUDU, PriceKind.MEMBER)) == "39.78"
    assert format_yuan(price_for(MUDU, PriceKind.FAMILY)) == "54.60"
    assert format_yuan(price_for(MUDU, PriceKind.GROUP)) == "62.40"


def test_a_card_kind_chooses_its_rate() -> None:
    assert price_for_card(MUDU, CardKind.MEMBER) == 3978
    assert price_for_card(MUDU, CardKind.FAMILY) == 5460


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [(Rounding.FEN, 1148), (Rounding.JIAO, 1150), (Rounding.YUAN, 1100)],
)
def test_rounding_steps_round_half_up(rounding: Rounding, expected: int) -> None:
    assert apply_rate(2250, 5100, rounding) == expected  # 22.50 × 0.51 = 11.475


def test_half_a_fen_rounds_up() -> None:
    assert apply_rate(50, 5100) == 26  # 0.255 元 → 0.26 元
    assert apply_rate(10, 5000, Rounding.JIAO) == 10  # 0.05 → 0.1


@given(st.integers(0, 10**8), st.integers(0, 10_000), st.sampled_from(Rounding))
def test_a_discount_never_exceeds_the_list_price_by_more_than_half_a_step(
        list_fen: int, rate: int, rounding: Rounding) -> None:
    price = apply_rate(list_fen, rate, rounding)
    assert price % int(rounding) == 0
    assert abs(price * 10_000 - list_fen * rate) <= 10_000 * int(rounding) // 2


def test_yuan_text_round_trips() -> None:
    assert parse_yuan("39.78") == 3978 and parse_yuan("¥78") == 7800 and parse_yuan("5.5元") == 550
    assert format_yuan(-50) == "-0.50"
    with pytest.raises(ValueError, match="不是有效的金额"):
        parse_yuan("3.999")
