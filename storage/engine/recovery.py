"""Restoring a collection whose snapshot or journal cannot be read.

The backup snapshot (generation B) is continued by the journal whose header names B, then by the
one naming B + 1: replaying them in that chain rebuilds everything that was acknowledged, up to
the first damaged line. The files being replaced are kept beside it as `*.before-restore-<time>`.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from storage.engine.collection import CollectionFiles
from storage.engine.errors import BackupMissingError, CorruptFileError
from storage.engine.files import atomic_write, keep_as_backup, sync_dir, temp_path, write_synced
from storage.engine.journal import JournalContents, create_journal, read_journal
from storage.engine.lock import DirectoryLock
from storage.engine.snapshot import Snapshot, encode_snapshot, read_snapshot
from storage.engine.state import State


def restore_from_backup(directory: Path, collection: str) -> int:
    """Rebuild `collection` in `directory` from its backups; returns how many documents it holds.

    The store must be closed (raises `StoreLockedError` otherwise); raises `BackupMissingError`
    when there is nothing to restore from. Typical use: `restore_from_backup(e.directory,
    e.collection)` with the `CorruptFileError` `e` that `open_device` raised."""
    lock = DirectoryLock.acquire(directory)
    try:
        files = CollectionFiles(directory, collection)
        snapshot = _rebuild(files)
        _install(files, snapshot)
        return len(snapshot.docs)
    finally:
        lock.release()


def _rebuild(files: CollectionFiles) -> Snapshot:
    journals = [j for j in (_readable(files.journal_backup), _readable(files.journal)) if j]
    base = _base(files, journals)
    state, generation = State(None, base.docs), base.generation
    for journal in sorted(journals, key=lambda j: j.base):
        if journal.base == generation:
            if not _replay(state, journal):
                break
            generation += 1
    return Snapshot(generation + 1, state.docs)


def _replay(state: State, journal: JournalContents) -> bool:
    """Apply a journal's operations; False if one of them is malformed (stop there)."""
    for op in journal.ops:
        try:
            state.apply(op)
        except (ValueError, KeyError, TypeError):
            return False
    return True


def _base(files: CollectionFiles, journals: list[JournalContents]) -> Snapshot:
    """The backup snapshot; or, before the first compaction, the empty generation 0."""
    if files.backup.exists():
        try:
            return read_snapshot(files.backup)
        except CorruptFileError as e:
            raise BackupMissingError(files.snapshot) from e
    if any(j.base == 0 for j in journals):
        return Snapshot(0, {})
    raise BackupMissingError(files.snapshot)


def _readable(path: Path) -> JournalContents | None:
    """A journal's good lines, or None if even its header is gone."""
    try:
        return read_journal(path, lenient=True)
    except (FileNotFoundError, CorruptFileError):
        return None


def _install(files: CollectionFiles, snapshot: Snapshot) -> None:
    tmp, data = temp_path(files.snapshot), encode_snapshot(snapshot)
    write_synced(tmp, data)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for path in (files.snapshot, files.journal):
        with contextlib.suppress(FileNotFoundError):
            keep_as_backup(path, path.with_name(f"{path.name}.before-restore-{stamp}"))
    os.replace(tmp, files.snapshot)
    sync_dir(files.directory)
    create_journal(files.journal, snapshot.generation)
    atomic_write(files.backup, data)  # a separate copy: the restored state is the new base

