"""The demo district's cadres (SPEC §10): GB0001 周文华 with three needy workers, a key
enterprise and a model-worker mentor from the demo members (the first member of 甪直镇 holds
the title 劳动模范), and GB0002 沈丽华 with a worker, an enterprise and a mentor of their own —
someone else for a cadre's phone not to see. One more worker waits to be assigned."""

from __future__ import annotations

from sqlalchemy.orm import Session

from district.cadres import needy, people
from district.cadres.enterprises import EnterpriseForm, add_enterprise
from district.cadres.needy_fields import IN_FILE, NeedyFields

FIRST = "GB0001"  # the cadre the demo shows
MENTOR = "WZ2014000101"  # the demo's 劳动模范 of 甪直镇
# cadre number, name, department, (enterprise, town, union), mentor member number or name
CADRES = ((FIRST, "周文华", "区总工会机关", ("木渎精工机械有限公司", "WZ-MD",
                                            "木渎精工机械有限公司工会"), MENTOR),
          ("GB0002", "沈丽华", "区总工会权益保障部", ("甪直光电科技有限公司", "WZ-LZ",
                                                "甪直光电科技有限公司工会"), "顾阿根"))
# name, union, town, phone, category, household notes, cadre
WORKERS = (
    ("张秀英", "木渎精工机械有限公司工会", "WZ-MD", "13912345601", "因病",
     "丈夫患尿毒症长期透析，女儿读初二", "GB0001"),
    ("刘建军", "木渎太湖纺织有限公司工会", "WZ-MD", "0512-66281234", "失业",
     "车间停产后待业，母亲年迈多病", "GB0001"),
    ("陈小梅", "东山旅游服务公司工会", "WZ-DS", "13806201234", "子女就学",
     "单亲，两个孩子在读高中", "GB0001"),
    ("王国良", "甪直光电科技有限公司工会", "WZ-LZ", "13771801234", "因残",
     "工伤致右手残疾，妻子务农", "GB0002"),
    ("吴秀兰", "光福建设集团工会", "WZ-GF", "13962101234", "其他",
     "独自照顾瘫痪的父亲", ""),
)


def seed_cadres(session: Session, actor: str, now: int) -> str:
    """The demo's cadres, their enterprises, mentors and needy workers; returns GB0001."""
    for number, name, department, (enterprise, town, union), mentor in CADRES:
        added = add_enterprise(session, EnterpriseForm(enterprise, town, union), actor, now)
        by_number = mentor.startswith("WZ")
        people.add_cadre(session, number, people.CadreForm(
            name, department, added.id, mentor if by_number else "",
            "" if by_number else mentor), actor, now)
    for name, union, town, phone, category, household, cadre in WORKERS:
        needy.add_worker(session, NeedyFields(name, union, town, phone, category, household,
                                              IN_FILE), cadre, actor, now)
    return FIRST
