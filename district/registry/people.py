"""Members, their grassroots unions and family members."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.text_rules import NAME_MAX, has_control_characters, has_symbols
from district.errors import Conflict, Invalid, NotFound
from district.tables import FamilyMember, Member, Union

ACTIVE = "active"
# Family members ask from the phone (pending), are approved (active) or withdrawn.
PENDING, WITHDRAWN = "pending", "withdrawn"
MEMBER_STATUSES = ("active", "suspended", "left")
# Chinese spellings an office may type in the status column.
STATUS_ALIASES = {"在册": "active", "正常": "active", "暂停": "suspended", "停用": "suspended",
                  "退会": "left", "已退会": "left", "": "active"}


def find_member(session: Session, member_no: str, *, lock: bool = False) -> Member | None:
    """The member with this number, or None. `lock`: its row stays locked until the transaction
    ends — every change that checks a per-member rule (one phone per person, the family limit,
    one live activation code per person) takes this lock before anything else of the member's,
    so concurrent requests on any server instance wait for each other. It is PostgreSQL's FOR NO
    KEY UPDATE: a window's sale that only refers to the member (a foreign key) is not held up by
    it, and cannot deadlock with it."""
    query = select(Member).where(Member.member_no == member_no)
    if lock:
        query = query.with_for_update(key_share=True).execution_options(populate_existing=True)
    return session.scalars(query).first()


def lock_member(session: Session, member: Member) -> None:
    """Lock the member's row until the transaction ends (see `find_member`)."""
    session.execute(select(Member.id).where(Member.id == member.id)
                    .with_for_update(key_share=True))


def member_by_no(session: Session, member_no: str, *, lock: bool = False) -> Member:
    member = find_member(session, member_no, lock=lock)
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
    """Add a family member (家属) within the per-member limit (pending ones count too); the
    member's row is locked before counting, so requests at once never pass the limit."""
    if has_control_characters(name + relation + id_last4):
        raise Invalid("姓名、关系或身份证后四位里有不能使用的控制字符",
                      "the name, relation or ID digits hold a control character")
    if not (name.strip() and relation.strip() and _is_id_last4(id_last4)):
        raise Invalid("家属的姓名、关系和身份证后四位都要填写正确",
                      "a family member needs a name, a relation and the ID's last 4")
    _check_family_name(name, relation)
    lock_member(session, member)
    count = session.scalar(select(func.count()).select_from(FamilyMember).where(
        FamilyMember.member_id == member.id, FamilyMember.status.in_((ACTIVE, PENDING)))) or 0
    if count >= limit:
        raise Conflict(f"每位会员最多 {limit} 位家属", f"at most {limit} family members per member")
    family = FamilyMember(member_id=member.id, name=name.strip(), relation=relation.strip(),
                          id_last4=id_last4.upper(), status=status, created_at=now)
    session.add(family)
    session.flush()
    return family


def _check_family_name(name: str, relation: str) -> None:
    """A name of at most 40 characters, in words: an emoji or a symbol draws as a box on every
    card and window, so it is refused here as on the phone."""
    if len(name.strip()) > NAME_MAX:
        raise Invalid(f"家属姓名最多 {NAME_MAX} 个字", f"a name is at most {NAME_MAX} characters")
    if has_symbols(name + relation):
        raise Invalid("姓名和关系只能用文字，不能有表情符号或特殊符号",
                      "a name and a relation are words only: no emoji or symbols")


def _is_id_last4(text: str) -> bool:
    return len(text) == 4 and text[:3].isdigit() and (text[3].isdigit() or text[3] in "xX")
