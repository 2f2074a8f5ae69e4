"""A store: one data folder holding durable collections, one writer, and a schema version."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from storage.engine.collection import Collection, CollectionFiles, CompactionPolicy
from storage.engine.errors import CorruptFileError, SchemaTooNewError
from storage.engine.files import private_directory
from storage.engine.lock import DirectoryLock
from storage.engine.schema import AppliedMigration, Migration, latest_version
from storage.engine.snapshot import AtomicJSONStorage

META_FILE = "meta.json"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
log = logging.getLogger(__name__)


class Store:
    """Open with `Store.open(folder)`; close it (or use `with`) to let another writer in."""

    def __init__(self, lock: DirectoryLock, policy: CompactionPolicy) -> None:
        self.directory = lock.directory
        self._dir_lock = lock
        self._lock = threading.RLock()
        self._policy = policy
        self._collections: dict[str, Collection] = {}
        self.schema_version = 1
        self.applied: list[AppliedMigration] = []

    @classmethod
    def open(
        cls,
        directory: Path,
        *,
        migrations: Sequence[Migration] = (),
        policy: CompactionPolicy | None = None,
        clock: Callable[[], float] = time.time,
    ) -> Store:
        """Lock the folder, make it private (0700, files 0600), then bring it to the newest
        schema version.

        Raises `StoreLockedError`, `SchemaTooNewError` or `CorruptFileError`."""
        latest = latest_version(migrations)
        store = cls(DirectoryLock.acquire(directory), policy or CompactionPolicy())
        try:
            _make_private(directory)
            store._migrate(migrations, latest, clock)
        except BaseException:
            store.close()
            raise
        return store

    def collection(self, name: str, key: str) -> Collection:
        """The collection `name` (files `<name>.json`, `<name>.journal`…) keyed by field `key`."""
        if not _NAME.match(name) or name == "meta":
            raise ValueError(f"bad collection name {name!r}")
        with self._lock:
            if not self._dir_lock.held:
                raise RuntimeError(f"store {self.directory} is closed")
            found = self._collections.get(name)
            if found is None:
                files = CollectionFiles(self.directory, name)
                found = Collection(files, key, self._lock, self._policy)
                self._collections[name] = found
            elif found.key != key:
                raise ValueError(f"collection {name} is keyed by {found.key!r}, not {key!r}")
            return found

    def close(self) -> None:
        with self._lock:
            for collection in self._collections.values():
                collection.close()
            self._collections.clear()
            self._dir_lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _migrate(
        self, migrations: Sequence[Migration], latest: int, clock: Callable[[], float]
    ) -> None:
        path = self.directory / META_FILE
        meta = AtomicJSONStorage(path)
        try:
            self.schema_version, self.applied = _read_meta(meta.read(), self._has_data(), latest)
        except (TypeError, ValueError, AttributeError) as e:
            raise CorruptFileError(path, None, f"bad schema record: {e!r}") from e
        if self.schema_version > latest:
            raise SchemaTooNewError(self.directory, self.schema_version, latest)
        if not (self.directory / META_FILE).exists():
            _write_meta(meta, self.schema_version, self.applied)
        for migration in migrations[self.schema_version - 1 :]:
            migration.apply(self)
            self.applied.append(AppliedMigration(migration.version, migration.name, int(clock())))
            self.schema_version = migration.version
            _write_meta(meta, self.schema_version, self.applied)

    def _has_data(self) -> bool:
        return any(p.name != META_FILE for p in self.directory.glob("*.json"))


def _make_private(directory: Path) -> None:
    """An older version left the folder readable by others: it holds the device's private key."""
    loose = private_directory(directory)
    if loose:
        log.warning("数据目录里有其他用户可读的文件，已改为仅本人可读写 / made private "
                    "(0700/0600), they were readable by other users: %s",
                    ", ".join(map(str, loose)))


def _read_meta(
    tables: dict[str, dict[str, Any]] | None, has_data: bool, latest: int
) -> tuple[int, list[AppliedMigration]]:
    """A new folder starts at the newest version; data without a meta file is version 1."""
    if tables is None:
        return (1 if has_data else latest), []
    record = tables.get("_default", {}).get("1", {})
    applied = [AppliedMigration(**m) for m in record.get("migrations", [])]
    return int(record.get("schema_version", 1)), applied


def _write_meta(meta: AtomicJSONStorage, version: int, applied: list[AppliedMigration]) -> None:
    record = {
        "schema_version": version,
        "migrations": [
            {"version": m.version, "name": m.name, "applied_at": m.applied_at} for m in applied
        ],
    }
    meta.write({"_default": {"1": record}})
