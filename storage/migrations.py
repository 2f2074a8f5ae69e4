"""The device store's migrations (listed in `storage.device.DEVICE_MIGRATIONS`).

Each may run again after a crash part-way (a migration is recorded only once it has finished),
so each step checks what is already done.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.models import Change
from storage import codecs
from storage.engine.schema import Store
from storage.sales import ANCHOR_ID


def family_outbox_to_sync(store: Store) -> None:
    """Version 2: family requests kept in their own outbox (version 1) move to the sync outbox
    as "family_request" changes, oldest first, so they go out by sync like every change."""
    old = store.collection("family_outbox", key="id")
    outbox = store.collection("outbox", key="slot")
    counters = store.collection("sync_state", key="name")
    moved = {doc["record_id"] for doc in outbox.all() if doc["entity"] == "family_request"}
    for doc in sorted(old.all(), key=lambda d: (d["requested_at"], d["id"])):
        if doc["id"] in moved:
            continue
        last = counters.get("seq")
        seq = (last["last"] if last else 0) + 1
        counters.put({"name": "seq", "last": seq})
        fields = {"name": doc["name"], "relation": doc["relation"], "id_last4": doc["id_last4"]}
        change = Change(str(uuid.uuid4()), seq, "family_request", doc["id"], "upsert", None, 1,
                        fields, doc["requested_at"])
        outbox.put(codecs.change_to_doc(seq, change))
    old.replace_all([])


def sync_mark_with_generation(store: Store) -> None:
    """Version 3: the saved pull position knows the district's generation (unknown until the
    next answer tells it) and which held records await the pull from the start that follows a
    restore of the district (none)."""
    def add(doc: dict[str, Any]) -> dict[str, Any]:
        if doc["name"] != "cursor":
            return doc
        return {**doc, "generation": doc.get("generation"), "stale": doc.get("stale", [])}

    store.collection("sync_state", key="name").transform(add)


def sales_name_the_person(store: Store) -> None:
    """Version 4: a window's sales carry whose card it was ("person", `app.person`), so the usage
    rule counts a person's phone card and printed card together. Sales kept before get
    "person": None (they count by their card's serial, and hash as they always did); an older
    app, which would not know the field, no longer opens the store."""

    def named(doc: dict[str, Any]) -> dict[str, Any]:
        return doc if doc["id"] == ANCHOR_ID or "person" in doc else {**doc, "person": None}

    store.collection("sales", key="id").transform(named)
