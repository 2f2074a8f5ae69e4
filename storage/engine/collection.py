"""One durable collection: a TinyDB snapshot file, its journal, and their backups.

A save appends one fsynced journal line (well under a millisecond) instead of rewriting the file.
When the journal outgrows `CompactionPolicy`, the state is written as a new snapshot (temporary
file, fsync, atomic replace, fsync of the folder); the old snapshot and journal become the backups.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.engine.errors import CorruptFileError
from storage.engine.files import keep_as_backup, separate, sync_dir, temp_path, write_synced
from storage.engine.journal import (
    JournalContents,
    JournalWriter,
    Op,
    create_journal,
    encode_op,
    journal_base,
    read_journal,
)
from storage.engine.snapshot import Doc, Snapshot, encode_snapshot, read_snapshot, write_snapshot
from storage.engine.state import State

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CollectionFiles:
    directory: Path
    name: str

    @property
    def snapshot(self) -> Path:
        return self.directory / f"{self.name}.json"

    @property
    def backup(self) -> Path:
        return self.directory / f"{self.name}.json.bak"

    @property
    def journal(self) -> Path:
        return self.directory / f"{self.name}.journal"

    @property
    def journal_backup(self) -> Path:
        return self.directory / f"{self.name}.journal.bak"

    def remove_temporaries(self) -> None:
        for path in (self.snapshot, self.backup, self.journal, self.journal_backup):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_path(path))


@dataclass(frozen=True)
class CompactionPolicy:
    """Compact once the journal passes `min_bytes` and `ratio` × the snapshot's size, so the
    rewrite cost per save stays constant however large the collection grows."""

    min_bytes: int = 1 << 20
    ratio: float = 1.0

    def due(self, journal_bytes: int, snapshot_bytes: int) -> bool:
        return journal_bytes > max(self.min_bytes, self.ratio * snapshot_bytes)


class Collection:
    """Documents identified by the value of their `key` field. Use `Store.collection` to open."""

    def __init__(
        self, files: CollectionFiles, key: str, lock: threading.RLock, policy: CompactionPolicy
    ) -> None:
        self.files, self.key, self._lock, self._policy = files, key, lock, policy
        files.remove_temporaries()
        snapshot, contents = _recover(files)
        self._generation = snapshot.generation
        self._snapshot_bytes = files.snapshot.stat().st_size
        self._state = _load(key, snapshot, contents.ops, files)
        self._writer: JournalWriter | None = JournalWriter.resume(files.journal, contents)
        self._closed = False

    @property
    def name(self) -> str:
        return self.files.name

    def __len__(self) -> int:
        return len(self._state.docs)

    def get(self, key: Hashable) -> Doc | None:
        with self._lock:
            doc = self._state.get(key)
            return None if doc is None else dict(doc)

    def all(self) -> list[Doc]:
        with self._lock:
            return [dict(doc) for doc in self._state.docs.values()]

    def search(self, cond: Callable[[Mapping[str, Any]], bool]) -> list[Doc]:
        """Documents matching `cond`, e.g. a TinyDB `Query()` such as `where("town") == "木渎"`."""
        with self._lock:
            return [dict(doc) for doc in self._state.docs.values() if cond(doc)]

    def put(self, doc: Mapping[str, Any]) -> None:
        """Insert or replace the document with `doc[key]`. Durable when this returns."""
        if self.key not in doc:
            raise ValueError(f"a {self.name} document needs a {self.key!r} field")
        with self._lock:
            doc_id = self._state.id_for(doc[self.key]) or self._state.new_id()
            self._commit({"op": "put", "id": doc_id, "doc": doc})

    def remove(self, key: Hashable) -> None:
        with self._lock:
            doc_id = self._state.id_for(key)
            if doc_id is not None:
                self._commit({"op": "del", "id": doc_id})

    def replace_all(self, docs: Iterable[Mapping[str, Any]]) -> None:
        """Replace every document at once: after a crash, either all old or all new."""
        listed = list(docs)
        if any(self.key not in doc for doc in listed):
            raise ValueError(f"every {self.name} document needs a {self.key!r} field")
        by_key = {doc[self.key]: doc for doc in listed}  # a repeated key: the last one wins
        table = {str(i): doc for i, doc in enumerate(by_key.values(), start=1)}
        with self._lock:
            self._commit({"op": "replace", "docs": table})

    def transform(self, change: Callable[[Doc], Doc]) -> None:
        """Rewrite every document in one atomic step, keeping document ids (for migrations)."""
        with self._lock:
            docs = {doc_id: change(dict(doc)) for doc_id, doc in self._state.docs.items()}
            if any(self.key not in doc for doc in docs.values()):
                raise ValueError(f"a transform must keep the {self.key!r} field")
            self._commit({"op": "replace", "docs": docs})

    def compact(self) -> None:
        """Write the state as a new snapshot and start an empty journal."""
        with self._lock:
            self._check_open()
            self._ensure_writer()
            data = encode_snapshot(Snapshot(self._generation + 1, self._state.docs))
            tmp = temp_path(self.files.snapshot)
            try:
                write_synced(tmp, data)
                keep_as_backup(self.files.snapshot, self.files.backup)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            # Once the new snapshot is in place the old journal must not take another line, even
            # if a step below fails: the next save then finishes the rotation first.
            self._close_writer()
            os.replace(tmp, self.files.snapshot)
            self._generation += 1
            self._snapshot_bytes = len(data)
            sync_dir(self.files.directory)
            self._rotate_journal()

    def close(self) -> None:
        with self._lock:
            self._close_writer()
            self._closed = True

    def _commit(self, op: Op) -> None:
        self._check_open()
        writer = self._ensure_writer()
        line = encode_op(op)
        writer.append(line)
        self._state.apply(json.loads(line))
        if self._policy.due(writer.size, self._snapshot_bytes):
            try:
                self.compact()
            except OSError:  # the save itself is durable; the next save retries the rotation
                log.exception("compaction of %s failed", self.files.snapshot)

    def _ensure_writer(self) -> JournalWriter:
        if self._writer is None:
            self._rotate_journal()
        assert self._writer is not None
        return self._writer

    def _rotate_journal(self) -> None:
        """Keep the finished journal as the backup's and start one based on the new snapshot.
        Safe to repeat after a failure: a journal already based on it is kept as it is."""
        self._close_writer()
        if journal_base(self.files.journal) != self._generation:
            if self.files.journal.exists():
                keep_as_backup(self.files.journal, self.files.journal_backup)
            create_journal(self.files.journal, self._generation)
        self._writer = JournalWriter(self.files.journal)

    def _close_writer(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"collection {self.name} is closed")


def _recover(files: CollectionFiles) -> tuple[Snapshot, JournalContents]:
    """Read the snapshot and the journal that continues it, finishing an interrupted compaction."""
    if not files.snapshot.exists():
        if files.journal.exists() or files.backup.exists():
            raise CorruptFileError(files.snapshot, files.backup, "snapshot missing")
        _create(files)
    separate(files.snapshot, files.backup)
    snapshot = read_snapshot(files.snapshot, files.backup)
    if not files.journal.exists():
        create_journal(files.journal, snapshot.generation)
    contents = read_journal(files.journal, files.backup)
    if contents.base == snapshot.generation - 1:  # crashed after the snapshot, before rotation
        keep_as_backup(files.journal, files.journal_backup)
        create_journal(files.journal, snapshot.generation)
        contents = read_journal(files.journal, files.backup)
    elif contents.base != snapshot.generation:
        raise CorruptFileError(files.journal, files.backup, "journal does not follow snapshot")
    return snapshot, contents


def _create(files: CollectionFiles) -> None:
    files.directory.mkdir(parents=True, exist_ok=True)
    # Two separate files, not one linked twice: damage to one must not reach the other.
    write_snapshot(files.backup, Snapshot(0, {}))
    write_snapshot(files.snapshot, Snapshot(0, {}))
    create_journal(files.journal, 0)


def _load(key: str, snapshot: Snapshot, ops: list[Op], files: CollectionFiles) -> State:
    try:
        state = State(key, snapshot.docs)
    except (ValueError, KeyError, TypeError) as e:
        raise CorruptFileError(files.snapshot, files.backup, f"bad document: {e!r}") from e
    for op in ops:
        try:
            state.apply(op)
        except (ValueError, KeyError, TypeError) as e:
            raise CorruptFileError(files.journal, files.backup, f"bad operation: {e!r}") from e
    return state
