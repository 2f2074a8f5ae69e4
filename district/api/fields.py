"""Request field types shared by the device API's routers: text with no control characters and
integers a 64-bit column holds, so that a hostile value is a 422 with a reason, never a 500."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from app.text_rules import INT64_MAX, has_control_characters


def _plain(text: str) -> str:
    if has_control_characters(text):
        raise ValueError("控制字符不能使用 / control characters are not allowed")
    return text


PlainText = Annotated[str, AfterValidator(_plain)]
Int64 = Annotated[int, Field(ge=0, le=INT64_MAX)]
Positive64 = Annotated[int, Field(ge=1, le=INT64_MAX)]
