"""Study meetings for the cadre phone's tests: meetings sent by the fake district
(`tests.cadre_phone_support.CadreDistrict`), and passes for them signed by its root key as the
meeting room's screen shows them (`app.meeting_pass.issue_pass`); and a meeting of the real
district with the pass its screen shows."""

from __future__ import annotations

from app.cadre_wire import MEETING
from app.card import slot_of
from app.keys import KeyPair
from app.meeting_pass import issue_pass, short_code
from district.cadres import meetings
from district.cadres.tables import Meeting
from tests.api_support import Server
from tests.cadre_phone_support import CadreDistrict
from tests.fakes import DAY, NOW

TODAY_ID, LATER_ID, LAST_MONTH_ID = 41, 42, 40
CODE = "K7Q2XM"  # what the screen shows beneath the QR (the fake does not check it)


def meetings_at(now: float) -> dict[int, dict[str, object]]:
    """Today's meeting (begun half an hour before `now`), one a week later, one a month
    before. At the tests' NOW: 2026-11-18 18:36–20:06 China."""
    start = int(now) - 1800
    return {
        TODAY_ID: {"title": "十一月学习例会", "place": "区总工会三楼会议室",
                   "starts_at": start, "ends_at": start + 5400},
        LATER_ID: {"title": "十一月专题学习", "place": "职工服务中心",
                   "starts_at": start + 7 * DAY, "ends_at": start + 7 * DAY + 3600},
        LAST_MONTH_ID: {"title": "十月学习例会", "place": "区总工会三楼会议室",
                        "starts_at": start - 30 * DAY, "ends_at": start - 30 * DAY + 3600},
    }


def send_meetings(district: CadreDistrict, now: float = NOW) -> None:
    """The district publishes the meetings of `meetings_at(now)`."""
    for meeting_id, fields in meetings_at(now).items():
        district.note(MEETING, str(meeting_id), dict(fields))


def pass_text(district: CadreDistrict, meeting_id: int = TODAY_ID, at: float = NOW,
              root: KeyPair | None = None) -> str:
    """The QR text the meeting room's screen shows at `at` (signed by `root`, else the
    district's own root key)."""
    return issue_pass(meeting_id, slot_of(at), CODE, root or district.root)


def district_meeting(server: Server, before: int = 600, after: int = 3600) -> Meeting:
    """A meeting at the real district that began `before` seconds ago, as the console makes
    it."""
    now = int(server.clock())
    with server.district.sessions.begin() as session:
        return meetings.create_meeting(session, "十一月学习例会", "区总工会三楼会议室",
                                       now - before, now + after, "admin", now)


def room_pass(server: Server, held: Meeting) -> str:
    """The QR text the meeting room's screen shows now (signed by the district's root key)."""
    slot = slot_of(server.clock())
    with server.district.sessions() as session:
        root = server.district.keys().root(session)
    return issue_pass(held.id, slot, short_code(held.code_key, held.id, slot), root)
