"""The cadre's side of the phone as the screens see it (SPEC §10): enrolled or not, the 五个一
dashboard, the records, the study meetings' check-ins (`checkins`). Built by main.py over the
device store's "cadre_" namespace, with the cadre's own sync engine (`sync`), which main.py
keeps running beside the member's.
"""

from __future__ import annotations

from app.cadre_book import RecordBook
from app.cadre_dashboard import Dashboard, dashboard
from app.cadre_enroll import CadreEnrollment, EnrolledCadre
from app.cadre_pulled import CadreFacts, CadreProfile, NeedyWorker
from app.meeting_checkin import MeetingCheckins
from app.ports import Clock
from app.sync import SyncEngine


class CadreStation:
    def __init__(self, enrollment: CadreEnrollment, book: RecordBook, facts: CadreFacts,
                 sync: SyncEngine, server_url: str, clock: Clock) -> None:
        self.enrollment, self.book, self.facts, self.sync = enrollment, book, facts, sync
        self._server_url = server_url
        self.checkins = MeetingCheckins(book, facts, enrollment.root_public_key, clock)

    def cadre(self) -> EnrolledCadre | None:
        return self.enrollment.cadre()

    def is_enrolled(self) -> bool:
        return self.cadre() is not None

    def server_url(self) -> str:
        """The address to offer on the enrollment form: the cadre's own once enrolled, else
        the member's (the same district)."""
        return self.enrollment.settings().server_url or self._server_url

    def enroll(self, code: str, server_url: str) -> EnrolledCadre:
        """Redeem a console code (talks to the district: call it off the UI loop)."""
        return self.enrollment.enroll(code, server_url)

    def profile(self) -> CadreProfile | None:
        return self.facts.profile()

    def workers(self) -> list[NeedyWorker]:
        return self.facts.workers()

    def dashboard(self) -> Dashboard:
        """Today's rows (China date), over every record on the phone."""
        return dashboard(self.book.today(), self.book.all(), self.facts.workers(),
                         self.facts.exemptions(), self.enrollment.enrolled_on())
