"""In-memory twins of the cadre's repositories (`storage.cadre`), for tests and previews."""

from __future__ import annotations

from typing import Any

from app.cadre_ports import Revision


class InMemoryRevisionStore:
    def __init__(self) -> None:
        self._revisions: dict[tuple[str, int], Revision] = {}

    def put(self, revision: Revision) -> None:
        self._revisions[(revision.record_id, revision.revision)] = revision

    def revisions(self, record_id: str) -> list[Revision]:
        found = [r for (rid, _), r in self._revisions.items() if rid == record_id]
        return sorted(found, key=lambda r: r.revision)

    def all(self) -> list[Revision]:
        return list(self._revisions.values())


class InMemoryPulledStore:
    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], dict[str, Any]] = {}

    def put(self, entity: str, record_id: str, fields: dict[str, Any]) -> None:
        self._entries[(entity, record_id)] = dict(fields)

    def remove(self, entity: str, record_id: str) -> None:
        self._entries.pop((entity, record_id), None)

    def all(self, entity: str) -> dict[str, dict[str, Any]]:
        return {rid: dict(f) for (kind, rid), f in self._entries.items() if kind == entity}

    def keys(self) -> set[tuple[str, str]]:
        return set(self._entries)
