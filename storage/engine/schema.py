"""Schema versions and migrations of a store.

A store starts at version 1. Migration *n* (1-based) takes it to version *n + 1*; migrations run in
order on open, and each is recorded in `meta.json` as soon as it has run. Write a migration as one
`Collection.transform` per collection: a transform is atomic, so a crash leaves the collection all
old or all new, and the unrecorded migration simply runs again on the next open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from storage.engine.collection import Collection


class Store(Protocol):
    """What a migration is given: the store's collections (`storage.engine.store.Store`)."""

    def collection(self, name: str, key: str) -> Collection: ...


@dataclass(frozen=True)
class Migration:
    version: int  # the schema version the store has after this migration
    name: str
    apply: Callable[[Store], None]


@dataclass(frozen=True)
class AppliedMigration:
    version: int
    name: str
    applied_at: int  # Unix seconds


def latest_version(migrations: Sequence[Migration]) -> int:
    """The version a store has once every migration ran; checks they are numbered 2, 3, 4…"""
    for expected, migration in enumerate(migrations, start=2):
        if migration.version != expected:
            raise ValueError(f"migration {migration.name!r} must produce version {expected}")
    return 1 + len(migrations)


def rename_field(collection: str, key: str, old: str, new: str) -> Callable[[Store], None]:
    """A migration step renaming field `old` to `new` in every document of `collection`.
    The key field itself cannot be renamed this way (documents are found by it)."""
    if old == key:
        raise ValueError(f"{old!r} is the key of {collection}: copy the collection instead")

    def rename(doc: dict[str, Any]) -> dict[str, Any]:
        return {(new if name == old else name): value for name, value in doc.items()}

    def apply(store: Store) -> None:
        store.collection(collection, key).transform(rename)

    return apply
