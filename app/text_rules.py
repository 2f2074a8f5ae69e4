"""What text a person may enter and a device may send: no control characters (NUL, bell, escape
and the like draw as nothing or as boxes and break databases), line breaks only where a field
allows several lines; names of people in words only (no emoji or symbols, which no bundled font
draws); and the integer range every store can hold."""

from __future__ import annotations

import unicodedata

INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1
LINE_BREAKS = frozenset("\n\r\t")
NAME_MAX = 40  # characters (code points) of a person's name: a family member's, on card and form

# Symbols (So, Sk), private-use (Co) and surrogates (Cs); invisible format characters (Cf: zero
# width joiners, bidi overrides, emoji tags); enclosing marks (Me: keycaps); line separators.
REFUSED_CATEGORIES = frozenset({"So", "Sk", "Co", "Cs", "Cc", "Cf", "Me", "Zl", "Zp"})
# Emoji presentation and variation selectors, emoji modifiers, and the emoji that Unicode files
# under punctuation, letters or maths rather than symbols (‼ ⁉ ℹ 〰 〽 ↔ ↩ ◻ ⤴ …).
REFUSED_CHARACTERS = frozenset(
    [chr(c) for c in range(0xFE00, 0xFE10)]
    + [chr(c) for c in range(0x1F3FB, 0x1F400)]
    + [chr(c) for c in (0x203C, 0x2049, 0x2139, 0x3030, 0x303D, 0x21A9, 0x21AA, 0x2934, 0x2935)]
    + [chr(c) for c in range(0x2194, 0x219A)]
    + [chr(c) for c in range(0x25FB, 0x25FF)])
# Planes 2 and 3 hold only CJK ideographs (extensions B to I and the compatibility supplement):
# an ideograph newer than this Python's Unicode tables is still a name's character.
IDEOGRAPHIC_PLANES = range(0x20000, 0x40000)


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """True when `text` holds a control character or a lone surrogate (with `multiline`, line
    breaks and tabs are allowed)."""
    allowed = LINE_BREAKS if multiline else frozenset()
    return any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in text)


def is_name_character(ch: str) -> bool:
    """A character a person's name may hold: letters of every script (every CJK ideograph, 𠮷
    and 䶮 included), combining accents, digits, spaces and punctuation such as the middle dot
    of minority names (阿依古丽·买买提). Not an emoji, a symbol or an invisible character."""
    if ord(ch) in IDEOGRAPHIC_PLANES:
        return True
    category = unicodedata.category(ch)
    return (category not in REFUSED_CATEGORIES and category != "Cn"
            and ch not in REFUSED_CHARACTERS)


def has_symbols(text: str) -> bool:
    """True when `text` holds a character a name may not: an emoji (with its selectors and
    modifiers), a symbol, a private-use or unassigned code point, or a control character."""
    return not all(is_name_character(ch) for ch in text)


def in_int64(value: object) -> bool:
    """An int (not a bool) that a signed 64-bit column holds, and not negative."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= INT64_MAX
