"""A demo district from SPEC §1: towns, the 20 scenic spots, members with titles and family,
two cadres with their needy workers, key enterprises and mentors (`demo_cadres`), and printed
cards for every demo member."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from app import demo as app_demo
from district import audit
from district.bulk import upsert
from district.cadres import people as cadres
from district.cards import issuance
from district.cards.keyring import KeyRing
from district.cli import demo_cadres, demo_records
from district.errors import Conflict
from district.feed import publish
from district.phones import activation
from district.registry import importer, people
from district.registry.members_csv import MemberRow
from district.registry.towns import WUZHONG_TOWNS
from district.tables import Member, Spot, Ticket

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林沈"
GIVEN = ("建国", "秀英", "伟", "芳", "敏", "静", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
         "明", "超", "秀兰", "霞", "平", "刚", "志强", "丽华", "国良", "美玲")
ENTERPRISES = ("精工机械有限公司", "太湖纺织有限公司", "光电科技有限公司", "建设集团",
               "旅游服务公司")
TITLES = ("蓝领之星", "劳动模范", "蓝领之友")
SPOT_TOWNS = {"东山": "东山镇", "木渎": "木渎镇", "金庭": "金庭镇", "甪直": "甪直镇",
              "光福": "光福镇", "灵岩山": "木渎镇", "天平山": "木渎镇", "穹窿山": "光福镇",
              "太湖湿地": "光福镇"}
MEMBERS_PER_TOWN = 6


@dataclass(frozen=True)
class DemoReport:
    members: list[str]
    family: dict[str, list[str]]
    cadre: str
    spots: int
    tickets: int
    cards: int
    codes: dict[str, str]  # label (member number, or number + family number) -> activation code


def _spot_town(company: str) -> str:
    return next((town for prefix, town in SPOT_TOWNS.items() if company.startswith(prefix)), "")


def seed_catalog(session: Session) -> tuple[int, int]:
    """The 20 spots and their tickets (illustrative prices, the 木渎 4-spot package at 78 元)."""
    spots, tickets = app_demo.demo_catalog()
    upsert(session, cast(Table, Spot.__table__),
           [{"id": s.id, "name": s.name, "name_en": s.name_en, "company": s.company,
             "town": _spot_town(s.company)} for s in spots], ("id",), ("name", "company"))
    upsert(session, cast(Table, Ticket.__table__),
           [{"id": t.id, "name": t.name, "name_en": t.name_en, "spot_ids": ";".join(t.spot_ids),
             "list_fen": t.list_fen, "member_bp": t.member_bp, "family_bp": t.family_bp,
             "group_bp": t.group_bp, "rounding": int(t.rounding)} for t in tickets],
           ("id",), ("list_fen",))
    publish.catalog_published(session)
    return len(spots), len(tickets)


def demo_rows() -> list[MemberRow]:
    """The app's demo member (陈建国, 蓝领之星) and a few members in every town."""
    rows = [MemberRow(2, app_demo.MEMBER_NO, app_demo.PEOPLE[0].name, app_demo.PEOPLE[0].id_last4,
                      "WZ-MD", app_demo.UNION, "蓝领之星", "active")]
    rng = random.Random(2014)
    for t, (town_id, town_name, _) in enumerate(WUZHONG_TOWNS):
        for i in range(MEMBERS_PER_TOWN):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            titles = TITLES[(t + i) % 3] if i == 0 else ""
            union = f"{town_name[:2]}{ENTERPRISES[i % len(ENTERPRISES)]}工会"
            rows.append(MemberRow(len(rows) + 2, f"WZ2014{t * 100 + i + 1:06d}", name,
                                  f"{rng.randrange(1000):03d}{rng.choice('0123456789X')}",
                                  town_id, union, titles, "active"))
    return rows


def _add_family(session: Session, now: int) -> dict[str, list[str]]:
    member = people.member_by_no(session, app_demo.MEMBER_NO)
    for person in app_demo.PEOPLE[1:]:
        people.add_family(session, member, person.name, person.relation or "", person.id_last4,
                          now)
    other = people.member_by_no(session, "WZ2014000301")
    people.add_family(session, other, "李桂英", "母亲", "2046", now)
    return {m.member_no: [f"{f.name}（{f.relation}）" for f in people.family_of(session, m)]
            for m in (member, other)}


def seed(session: Session, keys: KeyRing, actor: str, now: int) -> DemoReport:
    """Seed the demo district in the caller's transaction; refuses to seed twice."""
    if cadres.find_cadre(session, demo_cadres.FIRST) is not None:
        raise Conflict("演示数据已经存在", "the demo data is already there")
    spots, tickets = seed_catalog(session)
    rows = demo_rows()
    importer.import_rows(session, rows, actor, now)
    cadre = demo_cadres.seed_cadres(session, actor, now)  # after the members: a mentor is one
    demo_records.seed_records(session, cadre, actor, now)
    members = list(session.scalars(select(Member).order_by(Member.member_no)))
    serials = issuance.issue_member_cards(session, keys, members, actor=actor, now=now)
    family = _add_family(session, now)
    details: dict[str, Any] = {"members": len(rows), "cards": len(serials), "spots": spots}
    audit.record(session, actor, "demo.seed", "district", details, now)
    shown = [app_demo.MEMBER_NO, "WZ2014000301", "WZ2014000201", "WZ2014001501"]
    codes = {no: activation.create_activation_code(session, no, None, actor, now) for no in shown}
    codes[f"{app_demo.MEMBER_NO} 家属1"] = activation.create_activation_code(
        session, app_demo.MEMBER_NO, 1, actor, now)
    return DemoReport(shown, family, cadre, spots, tickets, len(serials), codes)
