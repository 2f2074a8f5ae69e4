"""The demo cadre's "五个一" records in every review state (SPEC §8), so that the console's
review queue, record pages and compliance matrix have something to show from the first run:
serving since two months back, an approved work-day diary then, last month's diary approved
late, a mentor contact returned with a comment, an enterprise visit with its research report
waiting for review, a needy-worker visit approved this quarter, last month's study meeting
marked not applicable — and a study meeting open for check-in now. They come in as a phone's
would (`records.submit`) and are reviewed as a reviewer would (`review.decide`), by the same
code as the real thing."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cadre_wire import WireRecord
from app.chinatime import CHINA_OFFSET, DAY, china_date, date_day
from app.duties import Duty, period_of
from district.cadres import exemptions, meetings, people, records, review
from district.cadres.tables import NeedyWorker
from district.staff.accounts import REVIEWER

DEVICE = "demo-phone"  # the records' device: the cadre's earlier phone
WHO = review.Reviewer("review", REVIEWER)


def _at(day: dt.date, hour: int = 18) -> int:
    """A moment on a China calendar day."""
    return date_day(day) * DAY - CHINA_OFFSET + hour * 3600


def _month_back(today: dt.date, months: int) -> dt.date:
    first = today.replace(day=1)
    for _ in range(months):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first + dt.timedelta(days=9)  # the 10th of that month


def _submit(session: Session, cadre_id: int, duty: Duty, subject: str, day: dt.date,
            content: dict[str, Any], at: int) -> str:
    wire = WireRecord(str(uuid.uuid4()), duty, subject, day, 1, content)
    records.submit(session, cadre_id, DEVICE, wire, at)
    return wire.record_id


DIARY = {"enterprise": "木渎精工机械有限公司", "workshop": "机加工车间二班", "hours": 8,
         "work_done": "跟班学习数控车床上下料、首件检验，参与班后设备点检。",
         "workers_said": "夜班补贴标准多年未调；车间夏季降温设备不足。",
         "reflections": "一线工人最关心收入和劳动条件，回去推动企业工会开展工资集体协商。"}
MENTOR_TALK = {"way": "面谈", "learned": "听沈师傅讲技术革新小组怎么带徒弟。"}
VISIT = {"people_met": "企业工会主席、人事经理、三名班组长",
         "topics": "工资集体协商、职工书屋建设", "findings": "外来务工人员子女入学咨询多。",
         "report": "关于木渎精工机械有限公司职工诉求的调研报告（初稿）。\n" * 20}
NEEDY = {"family_situation": "丈夫长期透析，女儿读初二", "difficulties": "医药费负担重",
         "help_type": "慰问金", "help_fen": 200_000, "follow_up": "协助申请大病救助",
         "public_summary": "走访因病困难职工家庭，送去慰问金并协助申请大病救助",
         "consent": True, "consent_way": "书面"}


def seed_records(session: Session, cadre_no: str, actor: str, now: int) -> None:
    """The cadre's records in every state, a not-applicable cell and a meeting open now."""
    cadre = people.find_cadre(session, cadre_no)
    assert cadre is not None, cadre_no
    today = china_date(now)
    two_back, one_back = _month_back(today, 2), _month_back(today, 1)
    cadre.serving_from = date_day(two_back.replace(day=1))  # the demo's cadre: since then
    done = _submit(session, cadre.id, Duty.WORK_DAY, "", two_back, DIARY, _at(two_back))
    review.approve(session, done, 1, WHO, _at(two_back + dt.timedelta(days=2)))
    late = _submit(session, cadre.id, Duty.WORK_DAY, "", one_back, DIARY, now - 3600)
    review.approve(session, late, 1, WHO, now - 1800)
    talk = _submit(session, cadre.id, Duty.MENTOR_CONTACT, "", one_back, MENTOR_TALK,
                   _at(one_back))
    review.return_record(session, talk, 1, "请写清楚学到的具体做法，以及准备怎样用到工作中。", WHO,
                         _at(one_back + dt.timedelta(days=1)))
    _submit(session, cadre.id, Duty.ENTERPRISE_VISIT, "", today, VISIT, now - 600)
    worker = session.scalars(select(NeedyWorker).where(NeedyWorker.cadre_id == cadre.id)
                             .order_by(NeedyWorker.id)).first()
    if worker is not None:
        visit = _submit(session, cadre.id, Duty.NEEDY_VISIT, str(worker.id), today, NEEDY,
                        now - 900)
        review.approve(session, visit, 1, WHO, now - 300)
    exemptions.set_exemption(session, cadre_no, Duty.STUDY_MEETING.value,
                             period_of(Duty.STUDY_MEETING, one_back).key, "",
                             "参加省总工会集中培训", WHO.username, WHO.role, now)
    title = f"{today.month}月学习例会：学习工会法修正案"
    meetings.create_meeting(session, title, "区总工会三楼会议室", now - 600, now + 4 * 3600,
                            actor, now)
