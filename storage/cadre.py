"""The cadre's side of the device store (SPEC §10): its own namespace ("cadre_" collections) in
the same data folder — key, settings, trust, outbox and cursor as the member's, built by the
same repositories — and its records (every revision) and what the district pulled down.
Every save is durable (journaled and fsynced) when it returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tinydb import where

from app.cadre_ports import PulledStore, Revision, RevisionStore
from app.duties import Duty
from app.ports import DeviceKeyStore, Outbox, SettingsRepository, SyncCursor, TrustStore
from storage import repositories, sync_repositories
from storage.codecs import Doc
from storage.engine.store import Store

PREFIX = "cadre_"


@dataclass
class CadreStore:
    keys: DeviceKeyStore
    settings: SettingsRepository
    trust: TrustStore
    outbox: Outbox
    cursor: SyncCursor
    revisions: RevisionStore
    pulled: PulledStore


def revision_to_doc(r: Revision) -> Doc:
    return {"key": f"{r.record_id}#{r.revision}", "record_id": r.record_id,
            "revision": r.revision, "duty": r.duty.value, "subject": r.subject,
            "activity_date": r.activity_date.isoformat(), "content": dict(r.content),
            "saved_at": r.saved_at, "submitted_at": r.submitted_at}


def revision_from_doc(d: Doc) -> Revision:
    return Revision(d["record_id"], int(d["revision"]), Duty(d["duty"]), d["subject"],
                    dt.date.fromisoformat(d["activity_date"]), dict(d["content"]),
                    int(d["saved_at"]), d["submitted_at"])


class TinyDBRevisionStore:
    """One document per revision: a draft saved as typed rewrites only its own revision."""

    def __init__(self, store: Store) -> None:
        self._docs = store.collection(f"{PREFIX}records", key="key")

    def put(self, revision: Revision) -> None:
        self._docs.put(revision_to_doc(revision))

    def revisions(self, record_id: str) -> list[Revision]:
        found = self._docs.search(where("record_id") == record_id)
        return sorted((revision_from_doc(d) for d in found), key=lambda r: r.revision)

    def all(self) -> list[Revision]:
        return [revision_from_doc(d) for d in self._docs.all()]


class TinyDBPulledStore:
    def __init__(self, store: Store) -> None:
        self._docs = store.collection(f"{PREFIX}pulled", key="key")

    def put(self, entity: str, record_id: str, fields: dict[str, Any]) -> None:
        self._docs.put({"key": f"{entity}:{record_id}", "entity": entity, "id": record_id,
                        "fields": dict(fields)})

    def remove(self, entity: str, record_id: str) -> None:
        self._docs.remove(f"{entity}:{record_id}")

    def all(self, entity: str) -> dict[str, dict[str, Any]]:
        return {d["id"]: dict(d["fields"]) for d in self._docs.search(where("entity") == entity)}

    def keys(self) -> set[tuple[str, str]]:
        return {(d["entity"], d["id"]) for d in self._docs.all()}


def open_cadre(store: Store) -> CadreStore:
    return CadreStore(
        keys=repositories.TinyDBDeviceKeyStore(store, PREFIX),
        settings=repositories.TinyDBSettingsRepository(store, PREFIX),
        trust=repositories.TinyDBTrustStore(store, PREFIX),
        outbox=sync_repositories.TinyDBOutbox(store, PREFIX),
        cursor=sync_repositories.TinyDBSyncCursor(store, PREFIX),
        revisions=TinyDBRevisionStore(store),
        pulled=TinyDBPulledStore(store),
    )
