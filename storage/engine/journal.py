"""The append-only journal that makes a save cost one fsynced line instead of a file rewrite.

Line 1 is a header `{"op": "base", "gen": G}`: the operations that follow apply on top of the
snapshot of generation G. Every later line is one operation, a JSON object ending in a newline.
A line is acknowledged once `append` returns (it has been fsynced). A crash mid-append can leave an
incomplete tail: bad lines with no good line after them were never acknowledged, and are cut off
on open. A bad line *followed* by good ones is damage, reported, never skipped.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.engine.errors import CorruptFileError
from storage.engine.files import append_synced, atomic_write, truncate_synced

Op = dict[str, Any]


@dataclass(frozen=True)
class JournalContents:
    base: int
    ops: list[Op]
    good_bytes: int  # where the last good line ends
    total_bytes: int


def encode_op(op: Op) -> bytes:
    return json.dumps(op, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def decode_op(line: bytes) -> Op | None:
    """The operation on one line, or None when the line is not a whole operation."""
    try:
        op = json.loads(line)
    except (UnicodeDecodeError, ValueError):
        return None
    return op if isinstance(op, dict) and isinstance(op.get("op"), str) else None


def create_journal(path: Path, base: int) -> None:
    atomic_write(path, encode_op({"op": "base", "gen": base}))


def journal_base(path: Path) -> int | None:
    """The generation a journal's header names, reading only the header; None if unreadable."""
    try:
        with open(path, "rb") as f:
            header = decode_op(f.readline())
    except FileNotFoundError:
        return None
    gen = header.get("gen") if header is not None and header["op"] == "base" else None
    return gen if isinstance(gen, int) else None


def read_journal(
    path: Path, backup: Path | None = None, *, lenient: bool = False
) -> JournalContents:
    """Parse a journal. Strict: damage before the tail raises. Lenient: stop at the first bad
    line (for restoring)."""
    data = path.read_bytes()
    ops: list[Op] = []
    good_end, pos, damaged = 0, 0, False
    while pos < len(data):
        end = data.find(b"\n", pos)
        end = len(data) if end < 0 else end + 1
        op = decode_op(data[pos:end]) if data[end - 1 : end] == b"\n" else None
        if op is None:
            damaged = True
            if lenient:
                break
        elif damaged:
            raise CorruptFileError(path, backup, f"damaged line before byte {pos}")
        else:
            ops.append(op)
            good_end = end
        pos = end
    return _with_header(path, backup, ops, good_end, len(data))


def _with_header(
    path: Path, backup: Path | None, ops: list[Op], good_end: int, total: int
) -> JournalContents:
    if not ops or ops[0].get("op") != "base" or not isinstance(ops[0].get("gen"), int):
        raise CorruptFileError(path, backup, "missing journal header")
    return JournalContents(ops[0]["gen"], ops[1:], good_end, total)


class JournalWriter:
    """Appends operations to an existing journal whose torn tail (if any) was cut off."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        self.size = os.fstat(self._fd).st_size

    @classmethod
    def resume(cls, path: Path, contents: JournalContents) -> JournalWriter:
        """Cut an unacknowledged tail, then open for appending."""
        if contents.good_bytes < contents.total_bytes:
            truncate_synced(path, contents.good_bytes)
        return cls(path)

    def append(self, line: bytes) -> None:
        """Returns once `line` is on the device: the operation is then acknowledged."""
        append_synced(self._fd, line)
        self.size += len(line)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
