"""Snapshots: plain TinyDB JSON files, written crash-safely.

A snapshot is what stock `TinyDB(path)` reads: documents in the `_default` table keyed by their
document id, plus a one-document `_meta` table holding the snapshot's generation number (which
journal continues it, see `journal.py`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from storage.engine.errors import CorruptFileError
from storage.engine.files import atomic_write

Doc = dict[str, Any]
DATA_TABLE = "_default"
META_TABLE = "_meta"


@dataclass(frozen=True)
class Snapshot:
    generation: int
    docs: dict[str, Doc]


def encode_snapshot(snapshot: Snapshot) -> bytes:
    """TinyDB's own layout and encoding (`json.dumps` defaults, so ASCII-safe in any locale)."""
    tables = {
        DATA_TABLE: snapshot.docs,
        META_TABLE: {"1": {"generation": snapshot.generation}},
    }
    return json.dumps(tables).encode("ascii")


def write_snapshot(path: Path, snapshot: Snapshot) -> None:
    atomic_write(path, encode_snapshot(snapshot))


def read_tables(path: Path, backup: Path | None = None) -> dict[str, dict[str, Doc]]:
    """Read a TinyDB file; a file that isn't one raises `CorruptFileError`, never returns empty."""
    try:
        tables = json.loads(path.read_bytes())
    except (UnicodeDecodeError, ValueError) as e:
        raise CorruptFileError(path, backup, str(e)) from e
    if not isinstance(tables, dict) or not all(_is_table(t) for t in tables.values()):
        raise CorruptFileError(path, backup, "not a TinyDB document layout")
    return tables


def read_snapshot(path: Path, backup: Path | None = None) -> Snapshot:
    tables = read_tables(path, backup)
    meta = tables.get(META_TABLE, {}).get("1", {})
    generation = meta.get("generation", 0)
    if not isinstance(generation, int) or generation < 0:
        raise CorruptFileError(path, backup, f"bad generation {generation!r}")
    return Snapshot(generation, tables.get(DATA_TABLE, {}))


def _is_table(table: object) -> bool:
    return (
        isinstance(table, dict)
        and all(map(str.isdigit, table))
        and all(isinstance(doc, dict) for doc in table.values())
    )


class AtomicJSONStorage(Storage):
    """A TinyDB storage for small files: every write goes to a temporary file, is fsynced and
    atomically replaces the old one. A damaged file raises `CorruptFileError` instead of being
    read as empty. Use it as `TinyDB(path, storage=AtomicJSONStorage)`."""

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self._path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        if not self._path.exists():
            return None
        return read_tables(self._path)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write(self._path, json.dumps(data).encode("ascii"))

    def close(self) -> None:
        """Nothing stays open between writes."""
