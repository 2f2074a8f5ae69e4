"""The district's cadres (机关干部): number, name and department, the key enterprise each
visits and the model-worker mentor each learns from — a member whose titles include 劳动模范
or 劳模 (chosen by member number), or, outside the registry, a name. Every change reaches the
cadre's phone as their profile (`profile_feed`). A cadre who left is kept, read-only.

Per-cadre rules (at most 3 needy workers) take the cadre's row lock first (`find_cadre(lock=
True)`), so requests at once on any server instance wait for each other."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.chinatime import china_day
from app.text_rules import NAME_MAX, has_control_characters, has_symbols
from district import audit
from district.cadres import profile_feed
from district.cadres.enterprises import get_enterprise
from district.cadres.tables import KeyEnterprise
from district.errors import Conflict, Invalid, NotFound
from district.registry import people
from district.tables import Cadre, Member

CADRE_NO = re.compile(r"[A-Z0-9][A-Z0-9-]{0,31}")
MODEL_WORKER = ("劳动模范", "劳模")  # a title holding either makes a member a mentor
DEPARTMENT_MAX = 64


@dataclass(frozen=True)
class CadreForm:
    """What the console's form gives: `mentor_no` a model worker's member number, or else
    `mentor_name` a mentor outside the registry (both empty: no mentor yet)."""

    name: str
    department: str
    enterprise_id: int | None = None
    mentor_no: str = ""
    mentor_name: str = ""


def normal_no(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().upper()


def find_cadre(session: Session, cadre_no: str, *, lock: bool = False) -> Cadre | None:
    """The cadre with this number, or None; `lock` holds their row until the transaction
    ends (every per-cadre rule takes it before counting)."""
    query = select(Cadre).where(Cadre.cadre_no == normal_no(cadre_no))
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).first()


def cadre_by_no(session: Session, cadre_no: str, *, lock: bool = False) -> Cadre:
    cadre = find_cadre(session, cadre_no, lock=lock)
    if cadre is None:
        raise NotFound(f"没有这个干部编号：{cadre_no}", f"no cadre with number {cadre_no}")
    return cadre


def serving(cadre: Cadre) -> Cadre:
    """The cadre, who must not have left: their assignments can no longer change."""
    if cadre.left_at is not None:
        raise Conflict(f"干部 {cadre.name}（{cadre.cadre_no}）已离开，不能再修改或分配",
                       f"cadre {cadre.cadre_no} has left: nothing can be assigned or changed")
    return cadre


def is_model_worker(member: Member) -> bool:
    return any(word in title for title in member.title_list for word in MODEL_WORKER)


def model_worker(session: Session, member_no: str) -> Member:
    """The member chosen as a mentor, who must be a model worker (劳动模范 / 劳模)."""
    member = people.find_member(session, normal_no(member_no))
    if member is None:
        raise Invalid(f"没有这个会员号：{member_no}", f"no member with number {member_no}")
    if not is_model_worker(member):
        titles = "、".join(member.title_list) or "无"
        raise Invalid(f"会员 {member.name}（{member.member_no}）不是劳动模范"
                      f"（荣誉称号：{titles}），不能做拜师对象；名册外的劳模请填写姓名",
                      f"member {member.member_no} holds no model-worker title (劳动模范 / 劳模): "
                      "choose a model worker, or give the name of one outside the registry")
    return member


def _text(value: str, limit: int, zh: str, en: str, *, person: bool = False) -> str:
    value = value.strip()
    if not value or len(value) > limit or has_control_characters(value) or (
            person and has_symbols(value)):
        raise Invalid(f"请填写{zh}（{limit} 字以内，只用文字）",
                      f"give {en} (at most {limit} characters, words only)")
    return value


def _apply(session: Session, cadre: Cadre, form: CadreForm) -> None:
    """Check the form and set it on the cadre (raising Invalid before anything is set)."""
    name = _text(form.name, NAME_MAX, "干部姓名", "the cadre's name", person=True)
    department = _text(form.department, DEPARTMENT_MAX, "所在部门", "the department")
    enterprise = get_enterprise(session, form.enterprise_id) if form.enterprise_id else None
    member = model_worker(session, form.mentor_no) if form.mentor_no.strip() else None
    mentor_name = None if member or not form.mentor_name.strip() else _text(
        form.mentor_name, NAME_MAX, "劳模姓名", "the mentor's name", person=True)
    cadre.name, cadre.department = name, department
    cadre.enterprise_id = enterprise.id if enterprise else None
    cadre.mentor_member_id, cadre.mentor_name = (member.id if member else None), mentor_name


def add_cadre(session: Session, cadre_no: str, form: CadreForm, actor: str,
              now: int) -> Cadre:
    """A new cadre; their number is theirs for good (a second cadre with it is refused)."""
    number = normal_no(cadre_no)
    if not CADRE_NO.fullmatch(number):
        raise Invalid("干部编号应为 1–32 位字母、数字或连字符（如 GB0001）",
                      "a cadre number is 1–32 letters, digits or hyphens (e.g. GB0001)")
    taken = Conflict(f"干部编号 {number} 已经有人使用", f"cadre number {number} is taken")
    if find_cadre(session, number) is not None:
        raise taken
    cadre = Cadre(cadre_no=number, serving_from=china_day(now))
    _apply(session, cadre, form)
    session.add(cadre)
    try:
        session.flush()
    except IntegrityError as exc:  # added at the same moment elsewhere
        raise taken from exc
    profile_feed.profile_changed(session, cadre)
    audit.record(session, actor, "cadre.add", number,
                 {"name": cadre.name, "department": cadre.department}, now)
    return cadre


def edit_cadre(session: Session, cadre_no: str, form: CadreForm, actor: str,
               now: int) -> Cadre:
    """Change a serving cadre's name, department, enterprise or mentor; their phone follows."""
    cadre = serving(cadre_by_no(session, cadre_no, lock=True))
    _apply(session, cadre, form)
    session.flush()
    profile_feed.profile_changed(session, cadre)
    audit.record(session, actor, "cadre.edit", cadre.cadre_no, {"name": cadre.name}, now)
    return cadre


@dataclass(frozen=True)
class CadreRow:
    """A cadre as the console lists them."""

    id: int
    cadre_no: str
    name: str
    department: str
    enterprise: str | None
    mentor: str | None
    left_at: int | None


def cadre_rows(session: Session, text: str = "", limit: int = 1000) -> list[CadreRow]:
    """The cadres by number, those whose number starts with `text` or whose name holds it."""
    query = (select(Cadre, KeyEnterprise.name, Member.name)
             .outerjoin(KeyEnterprise, Cadre.enterprise_id == KeyEnterprise.id)
             .outerjoin(Member, Cadre.mentor_member_id == Member.id)
             .order_by(Cadre.cadre_no).limit(limit))
    wanted = text.strip()
    if wanted:
        query = query.where(or_(Cadre.cadre_no.startswith(normal_no(wanted), autoescape=True),
                                Cadre.name.contains(wanted, autoescape=True)))
    return [CadreRow(c.id, c.cadre_no, c.name, c.department, enterprise,
                     mentor or c.mentor_name, c.left_at)
            for c, enterprise, mentor in session.execute(query)]
