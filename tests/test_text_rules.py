"""Which characters a person's name may hold (app.text_rules): every script's letters and every
CJK ideograph, never an emoji, a symbol or an invisible character (issue 11: they drew as boxes
on the phone and at the window, and were stored)."""

from __future__ import annotations

import pytest

from app.text_rules import has_control_characters, has_symbols

NAMES = ["王芳", "吉𠮷", "刘䶮", "阿依古丽·买买提", "欧阳 娜娜", "陈〇", "Zoë Müller", "李娜2",
         "\U0002A700", "\U0002B740", "\U0002B820", "\U0002CEB0", "\U00030000",  # ext C–G
         "\U00031350", "\U0002EBF0", "\U0002F800"]  # ext H, ext I, compatibility supplement
REFUSED = ["王芳\U0001F600", "王\u2764\ufe0f芳", "\U0001F44D\U0001F3FD", "王芳\u2b50",
           "1\ufe0f\u20e3", "王\u200d芳",
           "王\u202e芳", "\ue000王", "王\u2028芳", "王\x07芳", "\u2139", "王\u203c", "★", "©",
           "\U000E0067", "\ufe0e"]


@pytest.mark.parametrize("name", NAMES)
def test_a_name_in_words_is_accepted(name: str) -> None:
    assert not has_symbols(name)


@pytest.mark.parametrize("name", REFUSED, ids=lambda n: n.encode("unicode_escape").decode())
def test_an_emoji_symbol_or_invisible_character_is_refused(name: str) -> None:
    assert has_symbols(name)


def test_control_characters_alone_are_still_their_own_rule() -> None:
    assert has_control_characters("王\x00芳") and not has_control_characters("王芳\U0001F600")
    assert has_control_characters("a\nb") and not has_control_characters("a\nb", multiline=True)
