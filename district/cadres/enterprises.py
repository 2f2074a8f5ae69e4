"""Key enterprises (重点企业): the district adds and edits them; each cadre is given one to visit
every two months. An edit reaches the phones of the cadres who visit it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.text_rules import has_control_characters
from district import audit
from district.cadres import profile_feed
from district.cadres.tables import KeyEnterprise
from district.errors import Invalid, NotFound
from district.tables import Cadre, Town

NAME_MAX = 100


@dataclass(frozen=True)
class EnterpriseForm:
    """What the console's form gives: the enterprise's name, its town (id) and its union."""

    name: str
    town_id: str
    union_name: str


@dataclass(frozen=True)
class EnterpriseRow:
    """A key enterprise as the console lists it, with how many serving cadres visit it."""

    id: int
    name: str
    town: str
    union_name: str
    cadres: int


def _checked(session: Session, form: EnterpriseForm) -> EnterpriseForm:
    name, union = form.name.strip(), form.union_name.strip()
    for value, zh, en in ((name, "企业名称", "the enterprise's name"),
                          (union, "企业工会", "the enterprise's union")):
        if not value or len(value) > NAME_MAX or has_control_characters(value):
            raise Invalid(f"请填写{zh}（{NAME_MAX} 字以内）",
                          f"give {en} (at most {NAME_MAX} characters)")
    if session.get(Town, form.town_id) is None:
        raise Invalid("请选择企业所在的镇（街道、开发区）", "choose the enterprise's town")
    return EnterpriseForm(name, form.town_id, union)


def get_enterprise(session: Session, enterprise_id: int) -> KeyEnterprise:
    found = session.get(KeyEnterprise, enterprise_id)
    if found is None:
        raise NotFound(f"没有这个重点企业：{enterprise_id}", f"no key enterprise {enterprise_id}")
    return found


def add_enterprise(session: Session, form: EnterpriseForm, actor: str,
                   now: int) -> KeyEnterprise:
    checked = _checked(session, form)
    enterprise = KeyEnterprise(name=checked.name, town_id=checked.town_id,
                               union_name=checked.union_name)
    session.add(enterprise)
    session.flush()
    audit.record(session, actor, "enterprise.add", str(enterprise.id), {"name": checked.name},
                 now)
    return enterprise


def edit_enterprise(session: Session, enterprise_id: int, form: EnterpriseForm, actor: str,
                    now: int) -> KeyEnterprise:
    """Change the enterprise; the phones of the cadres who visit it get their new profile."""
    enterprise = get_enterprise(session, enterprise_id)
    checked = _checked(session, form)
    enterprise.name, enterprise.town_id = checked.name, checked.town_id
    enterprise.union_name = checked.union_name
    session.flush()
    profile_feed.enterprise_changed(session, enterprise)
    audit.record(session, actor, "enterprise.edit", str(enterprise.id), {"name": checked.name},
                 now)
    return enterprise


def enterprise_rows(session: Session) -> list[EnterpriseRow]:
    """Every key enterprise by name, with the number of serving cadres who visit it."""
    visits = (select(Cadre.enterprise_id, func.count().label("n"))
              .where(Cadre.left_at.is_(None)).group_by(Cadre.enterprise_id).subquery())
    query = (select(KeyEnterprise, Town.name, func.coalesce(visits.c.n, 0))
             .join(Town, KeyEnterprise.town_id == Town.id)
             .outerjoin(visits, visits.c.enterprise_id == KeyEnterprise.id)
             .order_by(KeyEnterprise.name, KeyEnterprise.id))
    return [EnterpriseRow(e.id, e.name, town, e.union_name, int(n))
            for e, town, n in session.execute(query)]
