"""Helpers for the cadres' tests: members with and without a model-worker title, a needy
worker's fields, and what a cadre's phone would pull from the change log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from district.cadres import needy, people
from district.cadres.enterprises import EnterpriseForm, add_enterprise
from district.cadres.needy_fields import IN_FILE, NeedyFields
from district.feed import changelog
from district.registry import importer
from district.tables import Cadre
from tests.district_support import csv_bytes
from tests.fakes import NOW

MODEL_WORKER = "WZ9001"  # 沈卫国, 劳动模范
NATIONAL_MODEL = "WZ9003"  # 何建平, 全国劳模
NOT_A_MODEL = "WZ9002"  # 钱小红, 蓝领之星
MEMBERS = (f"{MODEL_WORKER},沈卫国,1234,WZ-MD,木渎精工机械工会,劳动模范;蓝领之星,",
           f"{NOT_A_MODEL},钱小红,2345,WZ-DS,东山工会,蓝领之星,",
           f"{NATIONAL_MODEL},何建平,3456,WZ-GF,光福工会,全国劳模,")
HOUSEHOLD = "丈夫长期住院，女儿读高二，家住木渎镇某小区 3 幢"


def seed_members(session: Session) -> None:
    importer.import_members(session, csv_bytes(*MEMBERS), "test", NOW)


def worker_fields(name: str = "张秀英", phone: str = "13812345678", status: str = IN_FILE,
                  **others: str) -> NeedyFields:
    values: dict[str, Any] = {"union_name": "木渎精工机械工会", "town_id": "WZ-MD",
                              "category": "因病", "household": HOUSEHOLD} | others
    return NeedyFields(name=name, phone=phone, status=status, **values)


def add_cadre(session: Session, cadre_no: str = "GB0101", name: str = "周文华",
              mentor_no: str = MODEL_WORKER) -> Cadre:
    enterprise = add_enterprise(session, EnterpriseForm("木渎精工机械有限公司", "WZ-MD",
                                                        "木渎精工机械工会"), "test", NOW)
    return people.add_cadre(session, cadre_no, people.CadreForm(
        name, "区总工会办公室", enterprise.id, mentor_no), "test", NOW)


def add_workers(session: Session, cadre_no: str, n: int, first: int = 0) -> list[int]:
    return [needy.add_worker(session, worker_fields(f"职工{first + i}",
                                                    f"139{first + i:08d}"),
                             cadre_no, "test", NOW).id for i in range(n)]


@dataclass(frozen=True)
class Pulled:
    op: str
    fields: dict[str, Any] | None


def pulled(session: Session, cadre: Cadre) -> dict[tuple[str, str], Pulled]:
    """What the cadre's phone gets pulling its scope from cursor 0: each record's newest."""
    entries = changelog.read(session, [changelog.cadre_scope(cadre.id)], 0, 10_000)
    return {(e.entity, e.record_id): Pulled(e.op, json.loads(e.fields) if e.fields else None)
            for e in entries}


REVIEWER = ("review", "demo-review-2014")  # the demo's reviewer (district/cli/staff_commands)
FORBIDDEN = "只有区总工会管理员和审核人员可以查看"
