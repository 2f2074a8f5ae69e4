"""What text a person may enter and a device may send: no control characters (NUL, bell, escape
and the like draw as nothing or as boxes and break databases), line breaks only where a field
allows several lines; and the integer range every store can hold."""

from __future__ import annotations

import unicodedata

INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1
LINE_BREAKS = frozenset("\n\r\t")


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """True when `text` holds a control character or a lone surrogate (with `multiline`, line
    breaks and tabs are allowed)."""
    allowed = LINE_BREAKS if multiline else frozenset()
    return any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in text)


def in_int64(value: object) -> bool:
    """An int (not a bool) that a signed 64-bit column holds, and not negative."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= INT64_MAX
