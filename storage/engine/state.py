"""A collection's documents in memory, changed only by journal operations.

Live saves and the replay on open go through the same `apply`, with the same decoded bytes, so the
state after a reopen is exactly the state before it. Documents are kept in TinyDB's raw table
layout (string document id → document), which is also what a snapshot stores.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from storage.engine.journal import Op
from storage.engine.snapshot import Doc


class State:
    """Documents by id, plus an index from the collection's key field to the document id.
    `key=None` keeps no index (used when restoring, where only the documents matter)."""

    def __init__(self, key: str | None, docs: dict[str, Doc]) -> None:
        self.key = key
        self.docs: dict[str, Doc] = {}
        self._ids: dict[Hashable, str] = {}
        self._next_id = 1
        self._replace(docs)

    def id_for(self, key: Hashable) -> str | None:
        return self._ids.get(key)

    def new_id(self) -> str:
        return str(self._next_id)

    def get(self, key: Hashable) -> Doc | None:
        doc_id = self._ids.get(key)
        return None if doc_id is None else self.docs[doc_id]

    def apply(self, op: Op) -> None:
        """Apply one operation. Raises ValueError, KeyError or TypeError on a malformed one."""
        kind = op["op"]
        if kind == "put":
            self._put(_doc_id(op["id"]), _as_doc(op["doc"]))
        elif kind == "del":
            self._delete(_doc_id(op["id"]))
        elif kind == "replace":
            self._replace(op["docs"])
        else:
            raise ValueError(f"unknown journal operation {kind!r}")

    def _put(self, doc_id: str, doc: Doc) -> None:
        old = self.docs.get(doc_id)
        if old is not None and self.key is not None:
            self._ids.pop(old[self.key], None)
        self.docs[doc_id] = doc
        if self.key is not None:
            self._ids[doc[self.key]] = doc_id
        self._next_id = max(self._next_id, int(doc_id) + 1)

    def _delete(self, doc_id: str) -> None:
        doc = self.docs.pop(doc_id, None)
        if doc is not None and self.key is not None:
            self._ids.pop(doc[self.key], None)

    def _replace(self, docs: Any) -> None:
        """Take a whole table (as parsed from JSON: owned from now on)."""
        if not isinstance(docs, dict) or not all(isinstance(d, dict) for d in docs.values()):
            raise TypeError("documents must be a table of objects")
        if not all(isinstance(i, str) and i.isdigit() for i in docs):
            raise ValueError("document ids must be digits")
        key = self.key
        self._ids = {} if key is None else {doc[key]: doc_id for doc_id, doc in docs.items()}
        self.docs = docs
        self._next_id = max(map(int, docs), default=0) + 1


def _doc_id(value: Any) -> str:
    if not isinstance(value, str) or not value.isdigit():
        raise ValueError(f"bad document id {value!r}")
    return value


def _as_doc(value: Any) -> Doc:
    if not isinstance(value, dict):
        raise TypeError("a document must be an object")
    return value
