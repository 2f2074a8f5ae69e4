"""The scenic-spot window's desk (SPEC §2 Window staff, §4, §5): scan → verdict and offers →
sell → the sale in the hash-chained log and the sync outbox, all offline.

`scan` never raises. `sell` re-checks the usage rules at sale time under a lock, so two quick scans
of one person's cards (a phone card and a printed card, say) cannot both buy; it appends the sale
to the log, then records it in the outbox (both durable before it returns) or raises
`DeskRefused` with the clerk's words and saves nothing.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from app.catalog import Catalog
from app.chinatime import CHINA_OFFSET, DAY, china_day
from app.models import CardKind, Change, OverrideRecord, ParkedChange, Pinned, Sale, Ticket
from app.person import person_of
from app.ports import Clock, OverrideLog, SalesLog, TrustStore
from app.prices import price_for_card
from app.sale_wire import SALE_ENTITY, sale_fields
from app.sales import GENESIS, sealed
from app.sync import SyncStatus
from app.trust import ListError, StatusList, TrustList, open_status_list, open_trust_list
from app.verdict_text import VerdictText, Words, age_words, verdict_text
from app.verify import (
    CLOCK_SKEW_SECONDS,
    FRESH_SECONDS,
    STALE_SECONDS,
    Freshness,
    Reason,
    Verdict,
    Verifier,
)

log = logging.getLogger(__name__)
SCAN_TTL_SECONDS = 120  # a verdict older than the presentation window no longer sells
CATALOG_TTL_SECONDS = 60


class SaleRecorder(Protocol):
    """The sync engine's side the desk uses (`app.sync.SyncEngine`)."""

    def record(self, entity: str, record_id: str, fields: dict[str, Any]) -> Change: ...
    def pending(self) -> list[Change]: ...
    def parked(self) -> list[ParkedChange]: ...
    def status(self) -> SyncStatus: ...


class DeskRefused(Exception):
    """The desk will not do it; `zh` / `en` say why in the clerk's words. Nothing was saved."""

    def __init__(self, code: str, words: Words) -> None:
        super().__init__(f"{code}: {words}")
        self.code, self.words = code, words


@dataclass(frozen=True)
class Offer:
    """A ticket this spot sells, at list price and at the price for the scanned card's kind."""

    ticket: Ticket
    list_fen: int
    price_fen: int

    @property
    def discount_fen(self) -> int:
        return self.list_fen - self.price_fen


@dataclass(frozen=True)
class Scanned:
    verdict: Verdict
    offers: tuple[Offer, ...]
    at: int
    words: VerdictText
    override: bool = False  # verified on stale lists under a supervisor's override


@dataclass(frozen=True)
class ListAges:
    """The always-visible banner: how old the pinned lists are (None when there are none)."""

    trust_age_s: int | None
    status_age_s: int | None
    freshness: Freshness | None
    clock_behind: bool = False

    def words(self) -> Words:
        if self.freshness is None or self.trust_age_s is None or self.status_age_s is None:
            return Words("本机没有名单，请同步", "No lists on this device: sync")
        if self.clock_behind:
            return Words("本机时间早于名单时间，请校准时钟", "Device clock behind the lists")
        oldest = max(self.trust_age_s, self.status_age_s)
        age = age_words(oldest)
        if self.freshness is Freshness.FRESH:
            if oldest < 60:
                return Words("名单刚刚更新", "Lists just updated")
            return Words(f"名单 {age.zh}前更新", f"Lists updated {age.en} ago")
        if self.freshness is Freshness.AGING:
            return Words(f"名单已 {age.zh}未更新，请核对身份证", f"Lists {age.en} old: check IDs")
        return Words(f"名单已 {age.zh}未更新，需主管授权", f"Lists {age.en} old: supervisor needed")


@dataclass(frozen=True)
class Shift:
    """What this desk did since it opened (or since midnight, China time, if it stayed open):
    the clerk's count of scans and sales, shown on the desk."""

    since: int  # when the count began (epoch seconds)
    scans: int = 0
    refused: int = 0
    sold: int = 0


@dataclass(frozen=True)
class _Armed:
    supervisor: str
    reason: str


@dataclass(frozen=True)
class _Lists:
    trust: TrustList | None
    status: StatusList | None
    verifier: Verifier
    overridden: Verifier


class WindowDesk:
    def __init__(self, verifier_source: TrustStore, catalog: Catalog, sales_log: SalesLog,
                 sync_recorder: SaleRecorder, clock: Clock, spot_id: str,
                 new_id: Callable[[], str] = lambda: uuid.uuid4().hex, *,
                 overrides: OverrideLog, daily_limit: Callable[[], int] = lambda: 1) -> None:
        self._source, self._catalog, self._log = verifier_source, catalog, sales_log
        self._recorder, self._clock, self._spot_id = sync_recorder, clock, spot_id
        self._new_id, self._overrides, self._daily_limit = new_id, overrides, daily_limit
        self._limit = 1  # read with the lists: the district's rule comes by the same sync
        self._lock = threading.RLock()
        self._cache: tuple[tuple[Pinned | None, int], _Lists] | None = None
        self._armed: _Armed | None = None
        self._last_text: str | None = None
        self._last: Scanned | None = None
        self._tickets: tuple[float, dict[CardKind, tuple[Offer, ...]]] | None = None
        self._pinned_read = False
        self._shift = Shift(int(clock()))
        self._record_lost_tail()

    @property
    def spot_id(self) -> str:
        return self._spot_id

    @property
    def override_armed(self) -> bool:
        return self._armed is not None

    # scan ----------------------------------------------------------------------------------------

    def scan(self, text: str) -> Scanned:
        """The verdict for a scanned text and, if valid, this spot's tickets at the card's price
        (counted in the shift)."""
        with self._lock:
            scanned = self._scan(text)
            shift = self._current_shift(scanned.at)
            self._shift = replace(shift, scans=shift.scans + 1,
                                  refused=shift.refused + (not scanned.verdict.valid))
            return scanned

    def shift(self) -> Shift:
        """This shift's counts: since the desk opened, or since midnight if it stayed open."""
        with self._lock:
            return self._current_shift(int(self._clock()))

    def _current_shift(self, now: int) -> Shift:
        if china_day(now) != china_day(self._shift.since):
            self._shift = Shift(china_day(now) * DAY - CHINA_OFFSET)  # midnight in China
        return self._shift

    def _scan(self, text: str) -> Scanned:
        now = self._clock()
        with self._lock:
            lists = self._lists()
            armed = self._armed is not None and self._ages(lists, now).freshness is Freshness.STALE
            verdict = _verify(lists.overridden if armed else lists.verifier, text, now)
            scanned = Scanned(verdict, self._offers(verdict, now), int(now), verdict_text(verdict),
                              armed and verdict.valid)
            self._last_text, self._last = text, scanned
            return scanned

    def _offers(self, verdict: Verdict, now: float) -> tuple[Offer, ...]:
        if not verdict.valid or verdict.kind is None:
            return ()
        return self._priced(now)[verdict.kind]

    def _priced(self, now: float) -> dict[CardKind, tuple[Offer, ...]]:
        """This spot's tickets priced for each kind of card, read again after
        `refresh_catalog` or once a minute (a new catalogue comes by sync; reading and pricing
        the catalogue on every scan would cost a third of the scan rate)."""
        if self._tickets is None or not 0 <= now - self._tickets[0] < CATALOG_TTL_SECONDS:
            tickets = [r.ticket for r in self._catalog.tickets_for_spot(self._spot_id)]
            self._tickets = (now, {kind: tuple(Offer(t, t.list_fen, price_for_card(t, kind))
                                               for t in tickets) for kind in CardKind})
        return self._tickets[1]

    def refresh_catalog(self) -> None:
        """Read this spot's tickets, the pinned lists and the usage rule again at the next scan
        (call after a sync: it may have brought a new catalogue, lists or rule)."""
        with self._lock:
            self._tickets = None
            self._pinned_read = False

    # sell ----------------------------------------------------------------------------------------

    def sell(self, scanned: Scanned, ticket_id: str) -> Sale:
        """Record the sale (log, then outbox); raises `DeskRefused` and saves nothing if not."""
        with self._lock:
            now = int(self._clock())
            offer = self._sellable(scanned, ticket_id, now)
            stale = self._ages(self._lists(), now).freshness is Freshness.STALE
            sale = self._new_sale(scanned, offer, now, override=stale)
            self._log.append(sale)
            fields = sale_fields(sale)
            if stale and self._armed is not None:  # who let it through, for the district's log
                fields |= {"override_by": self._armed.supervisor,
                           "override_reason": self._armed.reason}
            self._recorder.record(SALE_ENTITY, sale.id, fields)
            if stale:
                self._log_override(sale, now)
            shift = self._current_shift(now)
            self._shift = replace(shift, sold=shift.sold + 1)
            return sale

    def _sellable(self, scanned: Scanned, ticket_id: str, now: int) -> Offer:
        verdict = scanned.verdict
        if not verdict.valid or verdict.claims is None:
            raise DeskRefused("not_valid", Words("此卡未通过验证，不能优惠售票",
                                                 "This card did not pass: no discount"))
        offer = next((o for o in scanned.offers if o.ticket.id == ticket_id), None)
        if offer is None:
            raise DeskRefused("not_offered", Words("本窗口不售此票", "Not sold at this window"))
        if not 0 <= now - scanned.at <= SCAN_TTL_SECONDS:
            raise DeskRefused("scan_expired", Words("请重新扫码", "Scan the card again"))
        pid = verdict.presentation_id
        if pid is not None and self._log.presentation_used(pid):
            raise DeskRefused(Reason.PRESENTATION_USED.value, verdict_text(
                Verdict(Reason.PRESENTATION_USED)).title)
        claims = verdict.claims
        used = self._log.uses_today(person_of(claims), claims.serial, self._spot_id,
                                    china_day(now))
        if used >= self._limit:  # the person's, whichever of their cards bought before
            raise DeskRefused(Reason.ALREADY_USED_TODAY.value, verdict_text(
                Verdict(Reason.ALREADY_USED_TODAY)).title)
        stale = self._ages(self._lists(), now).freshness is Freshness.STALE
        if stale and not (scanned.override and self._armed is not None):
            raise DeskRefused(Reason.LISTS_TOO_OLD.value, verdict_text(
                Verdict(Reason.LISTS_TOO_OLD)).title)
        return offer

    def _new_sale(self, scanned: Scanned, offer: Offer, now: int, *, override: bool) -> Sale:
        claims = scanned.verdict.claims
        assert claims is not None
        last = self._log.last()
        pid = scanned.verdict.presentation_id
        return sealed(Sale(
            id=self._new_id(), seq=1 if last is None else last.seq + 1, at=now,
            day=china_day(now), spot_id=self._spot_id, ticket_id=offer.ticket.id,
            ticket_name=offer.ticket.name, serial=claims.serial, kind=claims.kind,
            name=claims.name, presentation_id=None if pid is None else pid.hex(),
            list_fen=offer.list_fen, paid_fen=offer.price_fen, override=override,
            prev_hash=GENESIS if last is None else last.hash, hash="", person=person_of(claims)))

    # stale-list override -------------------------------------------------------------------------

    def override(self, supervisor: str, reason: str) -> Scanned | None:
        """A supervisor allows ONE sale on lists older than 7 days. Returns the last scan checked
        again under the override when it was refused for old lists (else None)."""
        who, why = supervisor.strip(), reason.strip()
        if not who or not why:
            raise DeskRefused("override_incomplete", Words("请填写主管姓名和授权原因",
                                                           "Enter the supervisor and a reason"))
        with self._lock:
            if self.list_ages().freshness is not Freshness.STALE:
                raise DeskRefused("override_not_needed", Words("名单未超过7天，无需授权",
                                                               "Lists are not stale"))
            self._armed = _Armed(who, why)
            last, text = self._last, self._last_text
            if last is not None and text is not None and last.verdict.reason is (
                    Reason.LISTS_TOO_OLD):
                return self._scan(text)
            return None

    def _log_override(self, sale: Sale, now: int) -> None:
        armed, ages = self._armed, self.list_ages()
        assert armed is not None
        self._armed = None
        self._overrides.append(OverrideRecord(
            self._new_id(), now, armed.supervisor, armed.reason, sale.id,
            ages.trust_age_s or 0, ages.status_age_s or 0))

    # lists ---------------------------------------------------------------------------------------

    def list_ages(self) -> ListAges:
        with self._lock:
            return self._ages(self._lists(), self._clock())

    def _ages(self, lists: _Lists, now: float) -> ListAges:
        if lists.trust is None or lists.status is None:
            return ListAges(None, None, None)
        trust_age, status_age = int(now - lists.trust.issued_at), int(now - lists.status.issued_at)
        oldest = max(trust_age, status_age)
        freshness = (Freshness.FRESH if oldest < FRESH_SECONDS else
                     Freshness.AGING if oldest < STALE_SECONDS else Freshness.STALE)
        behind = min(trust_age, status_age) < -CLOCK_SKEW_SECONDS  # as the verifier says
        return ListAges(trust_age, status_age, freshness, behind)

    def _lists(self) -> _Lists:
        """The verifiers for the pinned lists: read from the store at the first scan and after
        `refresh_catalog` (a sync), opened again only when the pinned lists changed."""
        if self._cache is not None and self._pinned_read:
            return self._cache[1]
        try:
            pinned = self._source.load()
        except Exception:  # a storage fault must not crash the scan: treated as no lists
            log.exception("the pinned lists could not be read")
            pinned = None
        self._pinned_read = pinned is not None
        self._limit = max(1, self._daily_limit())
        if self._cache is None or self._cache[0] != (pinned, self._limit):
            self._cache = ((pinned, self._limit), self._open(pinned))
        return self._cache[1]

    def _open(self, pinned: Pinned | None) -> _Lists:
        trust = status = None
        if pinned is not None:
            try:
                if pinned.trust_list is not None:
                    trust = open_trust_list(pinned.trust_list, pinned.root_public_key)
                if pinned.status_list is not None:
                    status = open_status_list(pinned.status_list, pinned.root_public_key)
            except ListError:
                log.exception("a pinned list does not open")
                trust = status = None
        spot, ledger = self._spot_id, self._log
        limit = self._limit
        return _Lists(trust, status, Verifier(trust, status, spot, ledger, daily_limit=limit),
                      Verifier(trust, status, spot, ledger, stale_override=True,
                               daily_limit=limit))

    # recovery ------------------------------------------------------------------------------------

    def _record_lost_tail(self) -> None:
        """A crash between the log and the outbox can only lose the newest sale's outbox entry:
        record it again unless the outbox holds it or a sync finished after it was made."""
        last = self._log.last()
        if last is None:
            return
        waiting = {c.record_id for c in self._recorder.pending() if c.entity == SALE_ENTITY}
        waiting |= {p.change.record_id for p in self._recorder.parked()
                    if p.change.entity == SALE_ENTITY}
        synced_at = self._recorder.status().last_synced_at
        if last.id not in waiting and (synced_at is None or synced_at <= last.at):
            self._recorder.record(SALE_ENTITY, last.id, sale_fields(last))


def _verify(verifier: Verifier, text: str, now: float) -> Verdict:
    try:
        return verifier.verify(text, now)
    except Exception:  # the verifier promises a reason; a scan must never crash the desk
        log.exception("verifier raised on a scanned text")
        return Verdict(Reason.BAD_STRUCTURE)
