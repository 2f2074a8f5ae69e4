"""The window device as the screens see it: enrolled or not, the desk for its spot, the day
report (its CSV goes to the clerk's screen: views/file_offer.py). Built by main.py over the
device store; the desk is made once the device is enrolled (it needs the spot) and told to
re-read its tickets after every sync.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.catalog import Catalog
from app.chinatime import china_day
from app.day_report import DayReport
from app.ports import Clock, OverrideLog, SalesLog, TrustStore
from app.sale_wire import SALE_ENTITY
from app.sync_apply import DAILY_LIMIT
from app.window import SaleRecorder, WindowDesk
from app.window_enroll import EnrolledSpot, WindowEnrollment

RETENTION_DAYS = 30  # synced sales older than this leave the window device


@dataclass(frozen=True)
class WindowParts:
    """What a desk is made of (the device store's ports and the sync engine)."""

    trust: TrustStore
    catalog: Catalog
    sales: SalesLog
    overrides: OverrideLog
    recorder: SaleRecorder
    clock: Clock


class WindowStation:
    def __init__(self, enrollment: WindowEnrollment, parts: WindowParts, server_url: str) -> None:
        self.enrollment, self._parts = enrollment, parts
        self._server_url = server_url
        self._desk: WindowDesk | None = None
        self._pruned_on: int | None = None

    def is_enrolled(self) -> bool:
        return self.enrollment.is_enrolled()

    def spot(self) -> EnrolledSpot | None:
        return self.enrollment.spot()

    def server_url(self) -> str:
        """The address to offer on the enrollment form."""
        return self._server_url

    def enroll(self, code: str, server_url: str) -> EnrolledSpot:
        """Redeem a console code (talks to the district: call it off the UI loop)."""
        spot = self.enrollment.enroll(code, server_url)
        self._desk = None
        return spot

    def desk(self) -> WindowDesk | None:
        """The desk of the enrolled spot (None before enrollment)."""
        spot = self.spot()
        if spot is None:
            return None
        if self._desk is None or self._desk.spot_id != spot.spot_id:
            p = self._parts
            self._desk = WindowDesk(p.trust, p.catalog, p.sales, p.recorder, p.clock,
                                    spot.spot_id, overrides=p.overrides,
                                    daily_limit=self._daily_limit)
        return self._desk

    def _daily_limit(self) -> int:
        """The district's rule for this spot, as the last sync brought it (1 until then)."""
        text = self.enrollment.settings().extra.get(DAILY_LIMIT, "1")
        return int(text) if text.isdigit() else 1

    def synced(self) -> None:
        """After a sync: the desk re-reads its spot's tickets at the next scan, and — once a
        day — sales older than the retention period that the district has are pruned (the
        device's files stay small, SPEC §7)."""
        if self._desk is not None:
            self._desk.refresh_catalog()
        today = china_day(self._parts.clock())
        if self._pruned_on != today:
            self._pruned_on = today
            self.prune(today)

    def prune(self, today: int) -> int:
        """Drop synced sales from before `today - RETENTION_DAYS`; unsent ones always stay."""
        recorder = self._parts.recorder
        unsent = {c.record_id for c in recorder.pending() if c.entity == SALE_ENTITY}
        unsent |= {p.change.record_id for p in recorder.parked()
                   if p.change.entity == SALE_ENTITY}
        return self._parts.sales.prune(today - RETENTION_DAYS, unsent)

    def report(self, day: int | None = None) -> DayReport | None:
        """Today's (China time) report for the enrolled spot."""
        spot = self.spot()
        if spot is None:
            return None
        chosen = china_day(self._parts.clock()) if day is None else day
        return DayReport.of(self._parts.sales, chosen, spot.spot_id)
