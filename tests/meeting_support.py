"""Study meetings for the cadre phone's tests: two meetings this month sent by the fake district
(`tests.cadre_phone_support.CadreDistrict`), and passes for them signed by its root key as the
meeting room's screen shows them (`app.meeting_pass.issue_pass`)."""

from __future__ import annotations

from app.cadre_wire import MEETING
from app.card import slot_of
from app.keys import KeyPair
from app.meeting_pass import issue_pass
from tests.cadre_phone_support import CadreDistrict
from tests.fakes import DAY, NOW

TODAY_ID, LATER_ID, LAST_MONTH_ID = 41, 42, 40
TODAY = {"title": "十一月学习例会", "place": "区总工会三楼会议室",
         "starts_at": NOW - 1800, "ends_at": NOW + 3600}  # 2026-11-18 18:36–20:06 China
LATER = {"title": "十一月专题学习", "place": "职工服务中心", "starts_at": NOW + 7 * DAY,
         "ends_at": NOW + 7 * DAY + 3600}
LAST_MONTH = {"title": "十月学习例会", "place": "区总工会三楼会议室",
              "starts_at": NOW - 30 * DAY, "ends_at": NOW - 30 * DAY + 3600}
CODE = "K7Q2XM"  # what the screen shows beneath the QR (the fake does not check it)


def send_meetings(district: CadreDistrict) -> None:
    """The district publishes this month's two meetings and last month's one."""
    for meeting_id, fields in ((TODAY_ID, TODAY), (LATER_ID, LATER),
                               (LAST_MONTH_ID, LAST_MONTH)):
        district.note(MEETING, str(meeting_id), dict(fields))


def pass_text(district: CadreDistrict, meeting_id: int = TODAY_ID, at: float = NOW,
              root: KeyPair | None = None) -> str:
    """The QR text the meeting room's screen shows at `at` (signed by `root`, else the
    district's own root key)."""
    return issue_pass(meeting_id, slot_of(at), CODE, root or district.root)
