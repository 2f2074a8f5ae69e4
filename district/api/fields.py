"""Pydantic field types for what devices send, shared by the API's routers.

`PlainText` is text without control characters (NUL, newlines, escapes, …) or lone surrogates:
PostgreSQL refuses NUL in text and neither belongs in a member number, a code, a name or a
device's name, so such a value is a 422 in the API's error shape before it reaches the
database. `Int64` and `Positive64` are integers a 64-bit column holds.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from app.text_rules import INT64_MAX, has_control_characters


def printable(text: str) -> str:
    if has_control_characters(text):
        raise ValueError("控制字符不能使用 / control characters are not allowed")
    return text


PlainText = Annotated[str, AfterValidator(printable)]
Int64 = Annotated[int, Field(ge=0, le=INT64_MAX)]
Positive64 = Annotated[int, Field(ge=1, le=INT64_MAX)]
