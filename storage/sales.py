"""The window's sales log and override log (ports `SalesLog`, `OverrideLog`) on durable TinyDB
collections.

Sales are appended, never rewritten: one fsynced journal line each. The chain's anchor (the last
pruned link) lives in the same collection as the sales, so a prune — the kept sales and the new
anchor — is one atomic `replace_all`. The usage-rule indexes are rebuilt from the file on open.
"""

from __future__ import annotations

import threading
from typing import Any

from app.models import CardKind, OverrideRecord, Sale
from app.sales import Anchor, SaleIndex, anchor_of, check_link, first_broken, prunable
from storage.engine.store import Store

Doc = dict[str, Any]
ANCHOR_ID = "anchor"


def sale_to_doc(sale: Sale) -> Doc:
    return {
        "id": sale.id, "seq": sale.seq, "at": sale.at, "day": sale.day,
        "spot_id": sale.spot_id, "ticket_id": sale.ticket_id, "ticket_name": sale.ticket_name,
        "serial": sale.serial, "kind": int(sale.kind), "name": sale.name,
        "presentation_id": sale.presentation_id, "list_fen": sale.list_fen,
        "paid_fen": sale.paid_fen, "override": sale.override, "prev_hash": sale.prev_hash,
        "hash": sale.hash, "person": sale.person,
    }


def sale_from_doc(doc: Doc) -> Sale:
    return Sale(
        id=doc["id"], seq=doc["seq"], at=doc["at"], day=doc["day"], spot_id=doc["spot_id"],
        ticket_id=doc["ticket_id"], ticket_name=doc["ticket_name"], serial=doc["serial"],
        kind=CardKind(doc["kind"]), name=doc["name"], presentation_id=doc["presentation_id"],
        list_fen=doc["list_fen"], paid_fen=doc["paid_fen"], override=doc["override"],
        prev_hash=doc["prev_hash"], hash=doc["hash"], person=doc["person"],
    )


def anchor_to_doc(anchor: Anchor) -> Doc:
    return {"id": ANCHOR_ID, "seq": anchor.seq, "hash": anchor.hash}


def override_to_doc(r: OverrideRecord) -> Doc:
    return {"id": r.id, "at": r.at, "supervisor": r.supervisor, "reason": r.reason,
            "sale_id": r.sale_id, "trust_age_s": r.trust_age_s, "status_age_s": r.status_age_s}


def override_from_doc(doc: Doc) -> OverrideRecord:
    return OverrideRecord(doc["id"], doc["at"], doc["supervisor"], doc["reason"],
                          doc["sale_id"], doc["trust_age_s"], doc["status_age_s"])


class TinyDBSalesLog:
    def __init__(self, store: Store) -> None:
        self._docs = store.collection("sales", key="id")
        self._lock = threading.RLock()
        self._anchor = Anchor()
        self._last: Sale | None = None
        self._index = SaleIndex()
        self._reload()

    def append(self, sale: Sale) -> None:
        with self._lock:
            check_link(self._tail(), sale)
            if sale.id == ANCHOR_ID or self._docs.get(sale.id) is not None:
                raise ValueError(f"sale id {sale.id} is already in the log")
            self._docs.put(sale_to_doc(sale))
            self._index.add(sale)
            self._last = sale

    def last(self) -> Sale | None:
        return self._last

    def for_day(self, day: int) -> list[Sale]:
        with self._lock:
            docs = (self._docs.get(sale_id) for sale_id in self._index.day_ids(day))
            return [sale_from_doc(doc) for doc in docs if doc is not None]

    def uses_today(self, person: str, serial: int, spot_id: str, day: int) -> int:
        return self._index.uses_today(person, serial, spot_id, day)

    def presentation_used(self, presentation_id: bytes) -> bool:
        return self._index.presentation_used(presentation_id)

    def all(self) -> list[Sale]:
        with self._lock:
            return self._sales()

    def prune(self, before_day: int, keep: set[str]) -> int:
        with self._lock:
            gone = prunable(self._sales(), before_day, keep)
            if not gone:
                return 0
            ids = {sale.id for sale in gone} | {ANCHOR_ID}
            kept = [doc for doc in self._docs.all() if doc["id"] not in ids]
            self._docs.replace_all([anchor_to_doc(anchor_of(gone[-1])), *kept])
            self._reload()
            return len(gone)

    def verify_chain(self) -> int | None:
        with self._lock:
            return first_broken(self._anchor, self._sales())

    def _tail(self) -> Anchor:
        return self._anchor if self._last is None else anchor_of(self._last)

    def _sales(self) -> list[Sale]:
        sales = [sale_from_doc(d) for d in self._docs.all() if d["id"] != ANCHOR_ID]
        return sorted(sales, key=lambda s: s.seq)

    def _reload(self) -> None:
        found = self._docs.get(ANCHOR_ID)
        self._anchor = Anchor() if found is None else Anchor(found["seq"], found["hash"])
        sales = self._sales()
        self._index = SaleIndex.of(sales)
        self._last = sales[-1] if sales else None


class TinyDBOverrideLog:
    def __init__(self, store: Store) -> None:
        self._docs = store.collection("overrides", key="id")

    def append(self, record: OverrideRecord) -> None:
        self._docs.put(override_to_doc(record))

    def all(self) -> list[OverrideRecord]:
        records = [override_from_doc(doc) for doc in self._docs.all()]
        return sorted(records, key=lambda r: (r.at, r.id))
