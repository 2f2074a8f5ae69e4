"""What every pushed change must be before any handler sees it: a sequence number, versions and
numbers a 64-bit column holds, names without control characters, a known operation, and fields
that are a small JSON object. A change that is not is rejected alone, with the reason; the rest
of its batch goes on."""

from __future__ import annotations

from typing import Any

from app.models import WireChange
from app.text_rules import has_control_characters, in_int64
from district.sync.handler import Outcome, rejected

OPS = ("upsert", "delete")
MAX_DEPTH, MAX_SCHEMA = 6, 1000
MAX_ENTITY, MAX_RECORD_ID = 32, 64


def _name_ok(value: str, longest: int) -> bool:
    return 0 < len(value) <= longest and not has_control_characters(value)


def _json_ok(value: Any, depth: int = 0) -> bool:
    """Only what JSON holds, ints in the 64-bit range, text with no NUL, at most MAX_DEPTH deep."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_ok(k, depth) and _json_ok(v, depth + 1)
                   for k, v in value.items())
    if isinstance(value, list):
        return all(_json_ok(v, depth + 1) for v in value)
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return True
    if isinstance(value, int):
        return abs(value) <= 2**63 - 1
    return isinstance(value, str) and not has_control_characters(value, multiline=True)


def _envelope_ok(change: WireChange) -> bool:
    return (in_int64(change.seq) and change.op in OPS
            and _name_ok(change.entity, MAX_ENTITY) and _name_ok(change.record_id, MAX_RECORD_ID)
            and (change.base_version is None or in_int64(change.base_version))
            and 1 <= change.schema <= MAX_SCHEMA)


def malformed(change: WireChange) -> Outcome | None:
    """The rejection of a change no handler can take, or None when it is well formed."""
    if not _envelope_ok(change):
        return rejected("malformed_change", "这条修改的格式不对，服务器无法处理",
                        "this change is malformed: its sequence number, entity, record id, "
                        "operation, version or schema is out of range")
    if not isinstance(change.fields, dict) or not _json_ok(change.fields):
        return rejected("invalid_fields",
                        "这条修改的内容有无法保存的值（控制字符、过大的数字或层次过深）",
                        "this change's fields hold values that cannot be stored (control "
                        "characters, numbers out of range or nesting too deep)")
    return None
