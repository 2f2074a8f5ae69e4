"""What the console reads: member search and member detail, limited to the staff's town.

Every query takes `town_id` (None for a district admin) and filters by it, so a town clerk's
pages never load another town's member; `member_in_scope` refuses the rest with 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from district.errors import Forbidden, NotFound
from district.phones import family as family_cards
from district.phones.family import FamilyState
from district.phones.tables import Device
from district.registry import people
from district.tables import Card, FamilyMember, Member, Town, Union

PAGE_SIZE = 20
MAX_PAGE = 500
UNIONS_MATCHED = 200
_TOP = "\U0010ffff"  # above every character: [q, q + _TOP) holds the strings starting with q


@dataclass(frozen=True)
class Found:
    member_no: str
    name: str
    union: str
    town: str
    status: str


@dataclass(frozen=True)
class SearchPage:
    rows: list[Found]
    page: int
    has_next: bool


def _rows(town_id: str | None) -> Select[Member, str, str]:
    query = (select(Member, Union.name, Town.name).join(Union, Member.union_id == Union.id)
             .join(Town, Member.town_id == Town.id))
    return query if town_id is None else query.where(Member.town_id == town_id)


def _matching(text: str, town_id: str | None) -> list[Select[Member, str, str]]:
    """One indexed query per way to match: member number prefix, name prefix, union name."""
    if not text:
        return [_rows(town_id)]
    number = text.upper()
    unions = select(Union.id).where(Union.name.contains(text, autoescape=True))
    if town_id is not None:
        unions = unions.where(Union.town_id == town_id)
    return [
        _rows(town_id).where(Member.member_no >= number, Member.member_no < number + _TOP),
        _rows(town_id).where(Member.name >= text, Member.name < text + _TOP),
        _rows(town_id).where(Member.union_id.in_(unions.limit(UNIONS_MATCHED))),
    ]


def search(session: Session, text: str, town_id: str | None, page: int = 1) -> SearchPage:
    """Members whose number or name starts with `text`, or whose union's name contains it.

    Each way is a range or IN over an index with a LIMIT, so 120,000 members cost no scan.
    """
    page = min(max(page, 1), MAX_PAGE)
    wanted = page * PAGE_SIZE + 1
    found: dict[str, Found] = {}
    for query in _matching(text.strip(), town_id):
        for member, union, town in session.execute(query.order_by(Member.member_no)
                                                   .limit(wanted)):
            found[member.member_no] = Found(member.member_no, member.name, union, town,
                                            member.status)
    ordered = [found[k] for k in sorted(found)]
    start = (page - 1) * PAGE_SIZE
    return SearchPage(ordered[start:start + PAGE_SIZE], page, len(ordered) > start + PAGE_SIZE)


def member_in_scope(session: Session, member_no: str, town_id: str | None) -> Member:
    """The member, if this staff member may see them; 404 when unknown, 403 outside the town."""
    member = session.scalars(select(Member).where(Member.member_no == member_no)).first()
    if member is None:
        raise NotFound(f"没有这个会员号：{member_no}", f"no member with number {member_no}")
    if town_id is not None and member.town_id != town_id:
        raise Forbidden("这位会员不属于您所在的镇，您无权查看或办理",
                        "this member belongs to another town: you may not see or act on them")
    return member


def card_in_scope(session: Session, serial: int, town_id: str | None) -> Card:
    card = session.get(Card, serial)
    if card is None:
        raise NotFound(f"没有这张卡：{serial}", f"no card with serial {serial}")
    if town_id is not None and card.town_id != town_id:
        raise Forbidden("这张卡不属于您所在的镇，您无权查看或办理",
                        "this card belongs to another town: you may not see or act on it")
    return card


@dataclass(frozen=True)
class Detail:
    member: Member
    union: str
    town: str
    cards: list[Card]
    family: list[FamilyState]
    devices: list[Device]
    family_names: dict[int, str]

    @property
    def pending(self) -> list[FamilyState]:
        return [f for f in self.family if f.state == "pending"]

    @property
    def approved(self) -> list[FamilyState]:
        return [f for f in self.family if f.state == "approved"]


def detail(session: Session, member: Member) -> Detail:
    """Everything the member page shows, newest cards first."""
    union = session.get_one(Union, member.union_id).name
    town = session.get_one(Town, member.town_id).name
    cards = session.scalars(select(Card).where(Card.member_id == member.id)
                            .order_by(Card.serial.desc()).limit(100))
    devices = session.scalars(select(Device).where(Device.member_id == member.id)
                              .order_by(Device.created_at.desc()))
    names = {f.id: f.name for f in people.all_family(session, member)}
    return Detail(member, union, town, list(cards), family_cards.states(session, member),
                  list(devices), names)


@dataclass(frozen=True)
class Request:
    """A pending family-card request in the approval queue."""

    member_no: str
    member_name: str
    town: str
    number: int
    name: str
    relation: str
    id_last4: str
    asked_at: int


def pending_requests(session: Session, town_id: str | None, limit: int = 200) -> list[Request]:
    """Pending family requests, oldest first (the order they are worked through)."""
    query = (select(FamilyMember, Member, Town.name).join(Member, FamilyMember.member_id ==
                                                          Member.id)
             .join(Town, Member.town_id == Town.id)
             .where(FamilyMember.status == people.PENDING)
             .order_by(FamilyMember.created_at, FamilyMember.id).limit(limit))
    if town_id is not None:
        query = query.where(Member.town_id == town_id)
    return [Request(member.member_no, member.name, town, family_cards.number_of(
        session, member, family), family.name, family.relation, family.id_last4,
        family.created_at) for family, member, town in session.execute(query)]
