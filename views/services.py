"""What the views need from the app: narrow service interfaces and the translator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from app.activation import Activated
from app.cadre_book import RecordView
from app.cadre_dashboard import Dashboard
from app.cadre_enroll import EnrolledCadre
from app.cadre_pulled import CadreProfile, NeedyWorker
from app.catalog import PriceRow
from app.day_report import DayReport
from app.duties import Duty
from app.i18n import normalize_language, text
from app.models import FamilyMember, FamilyRequest, ParkedChange, Sale, Spot
from app.savings import SavingsSummary
from app.sync import SyncEvent, SyncReport, SyncStatus
from app.wallet import CardView
from app.window import ListAges, Scanned, Shift
from app.window_enroll import EnrolledSpot
from views.theme import STANDARD, Look


class WalletService(Protocol):
    def member_card(self) -> CardView | None: ...
    def family_cards(self) -> list[CardView]: ...
    def card(self, serial: int) -> CardView | None: ...
    def qr_text(self, serial: int) -> str: ...
    def seconds_to_refresh(self) -> int: ...


class CatalogService(Protocol):
    def spots(self) -> list[Spot]: ...
    def price_rows(self) -> list[PriceRow]: ...


class SavingsService(Protocol):
    def summary(self, year: int | None = None) -> SavingsSummary: ...


class ActivationService(Protocol):
    """`app.activation.Activation`. `activate` talks to the district: call it off the UI loop."""

    def server_url(self) -> str: ...
    def is_activated(self) -> bool: ...
    def activate(self, member_no: str, code: str, server_url: str) -> Activated: ...


class FamilyService(Protocol):
    """`app.family.FamilyCards`. `refresh` and `withdraw` talk to the district: call them off
    the UI loop. `request` only saves (the sync sends it)."""

    @property
    def known(self) -> list[FamilyMember]: ...
    def pending(self) -> list[FamilyRequest]: ...
    def request(self, name: str, relation: str, id_last4: str) -> FamilyRequest: ...
    def refresh(self) -> SyncReport: ...
    def withdraw(self, member: FamilyMember) -> None: ...


class SyncService(Protocol):
    """`app.sync.SyncEngine`. `sync` talks to the district: call it off the UI loop.
    Listeners hear of every save and sync, on the thread that made it."""

    def status(self) -> SyncStatus: ...
    def sync(self) -> SyncReport: ...
    def parked(self) -> list[ParkedChange]: ...
    def dismiss(self, change_id: str) -> None: ...
    def subscribe(self, listener: Callable[[SyncEvent], None]) -> Callable[[], None]: ...


class DeskService(Protocol):
    """`app.window.WindowDesk`: local only, fast enough for the UI loop."""

    def scan(self, text: str) -> Scanned: ...
    def shift(self) -> Shift: ...
    def sell(self, scanned: Scanned, ticket_id: str) -> Sale: ...
    def override(self, supervisor: str, reason: str) -> Scanned | None: ...
    def list_ages(self) -> ListAges: ...


class ReportService(Protocol):
    """The day report (`app.window_station.WindowStation`); its CSV is `DayReport.csv_file`."""

    def report(self, day: int | None = None) -> DayReport | None: ...


class WindowService(ReportService, Protocol):
    """`app.window_station.WindowStation`. `enroll` talks to the district: off the UI loop."""

    def is_enrolled(self) -> bool: ...
    def spot(self) -> EnrolledSpot | None: ...
    def server_url(self) -> str: ...
    def enroll(self, code: str, server_url: str) -> EnrolledSpot: ...
    def desk(self) -> DeskService | None: ...


class CadreRecords(Protocol):
    """`app.cadre_book.RecordBook`: local only (a save is durable on return), fast enough for
    the UI loop. Refusals are `app.cadre_content.RecordProblem`."""

    def today(self) -> dt.date: ...
    def start(self, duty: Duty, subject: str = "", activity_date: dt.date | None = None
              ) -> RecordView: ...
    def save(self, record_id: str, content: dict[str, Any], *,
             activity_date: dt.date | None = None, subject: str | None = None
             ) -> RecordView: ...
    def submit(self, record_id: str) -> RecordView: ...
    def revise(self, record_id: str) -> RecordView: ...
    def dismiss_conflict(self, record_id: str) -> None: ...
    def get(self, record_id: str) -> RecordView | None: ...
    def drafts(self) -> list[RecordView]: ...


class CadreService(Protocol):
    """`app.cadre_station.CadreStation`: the cadre's side of the phone, with its own sync.
    `enroll` talks to the district: call it off the UI loop."""

    @property
    def book(self) -> CadreRecords: ...
    @property
    def sync(self) -> SyncService: ...
    def is_enrolled(self) -> bool: ...
    def cadre(self) -> EnrolledCadre | None: ...
    def server_url(self) -> str: ...
    def enroll(self, code: str, server_url: str) -> EnrolledCadre: ...
    def profile(self) -> CadreProfile | None: ...
    def workers(self) -> list[NeedyWorker]: ...
    def dashboard(self) -> Dashboard: ...


@dataclass(frozen=True)
class MemberServices:
    """The member's services, built by main.py from the device store."""

    wallet: WalletService
    catalog: CatalogService
    savings: SavingsService
    activation: ActivationService
    family: FamilyService
    sync: SyncService | None = None  # None: this build does not sync (previews, demos)
    window: WindowService | None = None  # None: this build has no window role
    cadre: CadreService | None = None  # None: this build has no cadre role


Navigate = Callable[[str], None]
SaveLanguage = Callable[[str], None]
SaveElder = Callable[[bool], None]


class Translator:
    """The member's two reading preferences, which the shell switches: `language`, the one
    messages are looked up in, and `look`, the sizes every member screen is drawn with
    (standard, or 长辈模式 elder mode)."""

    def __init__(self, language: str, look: Look = STANDARD) -> None:
        self.language = normalize_language(language)
        self.look = look

    def __call__(self, key: str, **params: object) -> str:
        return text(key, self.language, **params)
