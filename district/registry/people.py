"""Members, their grassroots unions and family members."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.text_rules import has_control_characters
from district.errors import Conflict, Invalid, NotFound
from district.tables import FamilyMember, Member, Union

ACTIVE = "active"
# Family members ask from the phone (pending), are approved (active) or withdrawn.
PENDING, WITHDRAWN = "pending", "withdrawn"
MEMBER_STATUSES = ("active", "suspended", "left")
# Chinese spellings an office may type in the status column.
STATUS_ALIASES = {"在册": "active", "正常": "active", "暂停": "suspended", "停用": "suspended",
                  "退会": "left", "已退会": "left", "": "active"}


def member_by_no(session: Session, member_no: str) -> Member:
    member = session.scalars(select(Member).where(Member.member_no == member_no)).first()
    if member is None:
        raise NotFound(f"没有这个会员号：{member_no}", f"no member with number {member_no}")
    return member


def union_of(session: Session, member: Member) -> Union:
    union = session.get(Union, member.union_id)
    if union is None:
        raise NotFound("会员的基层工会不存在", f"the union of member {member.member_no} is missing")
    return union


def all_family(session: Session, member: Member) -> list[FamilyMember]:
    """Every family member the member ever had, numbered 1, 2, … in this order.

    Withdrawn and pending ones keep their place, so a number never changes its person.
    """
    return list(session.scalars(select(FamilyMember).where(FamilyMember.member_id == member.id)
                                .order_by(FamilyMember.id)))


def family_of(session: Session, member: Member) -> list[FamilyMember]:
    """The member's active (approved) family members, in the order they were added."""
    return [f for f in all_family(session, member) if f.status == ACTIVE]


def family_number(session: Session, member: Member, number: int) -> FamilyMember:
    """Family member number `number` (1-based, see `all_family`), whatever its status."""
    family = all_family(session, member)
    if not 1 <= number <= len(family):
        raise NotFound(f"会员 {member.member_no} 没有第 {number} 位家属",
                       f"member {member.member_no} has no family member number {number}")
    return family[number - 1]


def add_family(session: Session, member: Member, name: str, relation: str, id_last4: str,
               now: int, limit: int = 4, status: str = ACTIVE) -> FamilyMember:
    """Add a family member (家属) within the per-member limit (pending ones count too)."""
    if has_control_characters(name + relation + id_last4):
        raise Invalid("姓名、关系或身份证后四位里有不能使用的控制字符",
                      "the name, relation or ID digits hold a control character")
    if not (name.strip() and relation.strip() and _is_id_last4(id_last4)):
        raise Invalid("家属的姓名、关系和身份证后四位都要填写正确",
                      "a family member needs a name, a relation and the ID's last 4")
    count = session.scalar(select(func.count()).select_from(FamilyMember).where(
        FamilyMember.member_id == member.id, FamilyMember.status.in_((ACTIVE, PENDING)))) or 0
    if count >= limit:
        raise Conflict(f"每位会员最多 {limit} 位家属", f"at most {limit} family members per member")
    family = FamilyMember(member_id=member.id, name=name.strip(), relation=relation.strip(),
                          id_last4=id_last4.upper(), status=status, created_at=now)
    session.add(family)
    session.flush()
    return family


def _is_id_last4(text: str) -> bool:
    return len(text) == 4 and text[:3].isdigit() and (text[3].isdigit() or text[3] in "xX")
