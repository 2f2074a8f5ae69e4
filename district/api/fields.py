"""Pydantic field types for what devices send, shared by the API's routers.

`PlainText` is text without control characters (NUL, newlines, escapes, …) or lone surrogates:
PostgreSQL refuses NUL in text and neither belongs in a member number, a code or a device's
name, so such a value is a 422 in the API's error shape before it reaches the database.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator

REFUSED = ("Cc", "Cs")  # Unicode control characters and surrogates


def printable(text: str) -> str:
    if any(unicodedata.category(ch) in REFUSED for ch in text):
        raise ValueError("control characters are not allowed")
    return text


PlainText = Annotated[str, AfterValidator(printable)]
