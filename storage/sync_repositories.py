"""The sync ports of `app.ports` (outbox, cursor) over durable TinyDB collections.

An outbox entry lives in a slot (the seq it was first given): a re-numbered change replaces the
one in its slot with a single journaled write, so a crash never leaves both or neither. An
acknowledged change moves to the `outbox_sent` collection (kept apart, so that reading what
waits stays quick however many are kept), and back when it is to be sent again: written to its
new place first, then removed from the old one, so a crash may leave it in both (sent once more,
answered "duplicate") but never in neither. Every method that changes something is durable
(journaled and fsynced) when it returns.
"""

from __future__ import annotations

from tinydb import where

from app.models import Change, ParkedChange, SyncMark
from storage import codecs
from storage.codecs import Doc
from storage.engine.store import Store


class TinyDBOutbox:
    """`prefix` names a second outbox in the same store (the cadre's "cadre_")."""

    def __init__(self, store: Store, prefix: str = "") -> None:
        self._docs = store.collection(f"{prefix}outbox", key="slot")
        self._sent = store.collection(f"{prefix}outbox_sent", key="slot")
        self._counters = store.collection(f"{prefix}sync_state", key="name")

    def append(self, change: Change) -> None:
        self._docs.put(codecs.change_to_doc(change.seq, change))

    def pending(self) -> list[Change]:
        waiting = [d for d in self._docs.all() if d["parked"] is None]
        return sorted((codecs.change_from_doc(d) for d in waiting), key=lambda c: c.seq)

    def mark_done(self, change_id: str, at: int) -> None:
        doc = self._find(change_id)
        if doc is not None:
            self._sent.put(codecs.sent_to_doc(doc["slot"], codecs.change_from_doc(doc), at))
            self._docs.remove(doc["slot"])

    def sent(self) -> list[Change]:
        return sorted((codecs.change_from_doc(d) for d in self._sent.all()), key=lambda c: c.seq)

    def resend(self) -> int:
        kept = self._sent.all()
        for doc in kept:
            self._docs.put(codecs.change_to_doc(doc["slot"], codecs.change_from_doc(doc)))
            self._sent.remove(doc["slot"])
        return len(kept)

    def forget_sent(self, before: int, keep: int) -> int:
        newest_first = sorted(self._sent.all(), key=lambda d: (d["sent_at"], d["slot"]),
                              reverse=True)
        gone = [d for n, d in enumerate(newest_first) if n >= keep or d["sent_at"] < before]
        for doc in gone:
            self._sent.remove(doc["slot"])
        return len(gone)

    def discard(self, change_id: str) -> None:
        doc = self._find(change_id)
        if doc is not None:
            self._docs.remove(doc["slot"])

    def park(self, change_id: str, reason: str, message: str, message_en: str) -> None:
        doc = self._find(change_id)
        if doc is not None:
            change = codecs.change_from_doc(doc)
            parked = ParkedChange(change, reason, message, message_en)
            self._docs.put(codecs.change_to_doc(doc["slot"], change, parked))

    def parked(self) -> list[ParkedChange]:
        held = [codecs.parked_from_doc(d) for d in self._docs.all() if d["parked"] is not None]
        return sorted(held, key=lambda p: p.change.seq)

    def requeue(self, change_id: str, renumbered: Change) -> None:
        doc = self._find(change_id)
        if doc is not None:
            self._docs.put(codecs.change_to_doc(doc["slot"], renumbered))

    def next_seq(self, at_least: int = 0) -> int:
        """A seq above every one given before (and at least `at_least`); kept before returning."""
        doc = self._counters.get("seq")
        seq = max((doc["last"] if doc else 0) + 1, at_least)
        self._counters.put({"name": "seq", "last": seq})
        return seq

    def _find(self, change_id: str) -> Doc | None:
        found = self._docs.search(where("change_id") == change_id)
        return found[0] if found else None


class TinyDBSyncCursor:
    def __init__(self, store: Store, prefix: str = "") -> None:
        self._docs = store.collection(f"{prefix}sync_state", key="name")

    def load(self) -> SyncMark:
        doc = self._docs.get("cursor")
        return SyncMark() if doc is None else codecs.sync_mark_from_doc(doc)

    def save(self, mark: SyncMark) -> None:
        self._docs.put(codecs.sync_mark_to_doc(mark))
