"""The towns, streets (街道) and development zones of 吴中区, each with its own serial range."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from district.errors import NotFound
from district.tables import Town

SERIALS_PER_TOWN = 100_000
PLACE_PREFIXES = ("江苏省", "苏州市", "吴中区")

# (id, name, kind): the district's towns and development zones.
WUZHONG_TOWNS: tuple[tuple[str, str, str], ...] = (
    ("WZ-MD", "木渎镇", "town"),
    ("WZ-LZ", "甪直镇", "town"),
    ("WZ-DS", "东山镇", "town"),
    ("WZ-JT", "金庭镇", "town"),
    ("WZ-GF", "光福镇", "town"),
    ("WZ-LH", "临湖镇", "town"),
    ("WZ-XK", "胥口镇", "town"),
    ("WZ-YX", "越溪街道", "street"),
    ("WZ-HJ", "横泾街道", "street"),
    ("WZ-XS", "香山街道", "street"),
    ("WZ-CQ", "长桥街道", "street"),
    ("WZ-CN", "城南街道", "street"),
    ("WZ-GX", "郭巷街道", "street"),
    ("WZ-TH", "太湖街道", "street"),
    ("WZ-KFQ", "吴中经济技术开发区", "zone"),
    ("WZ-THXC", "太湖新城", "zone"),
)


def serial_range(position: int) -> tuple[int, int]:
    """Town number `position` (0-based) issues serials (position+1)·100,000 … +99,999."""
    lo = (position + 1) * SERIALS_PER_TOWN
    return lo, lo + SERIALS_PER_TOWN - 1


def add_towns(session: Session) -> list[Town]:
    """Add the district's towns that are not there yet; returns the new ones."""
    have = set(session.scalars(select(Town.id)))
    added = []
    for position, (town_id, name, kind) in enumerate(WUZHONG_TOWNS):
        if town_id in have:
            continue
        lo, hi = serial_range(position)
        added.append(Town(id=town_id, name=name, kind=kind, position=position, serial_lo=lo,
                          serial_hi=hi, next_serial=lo))
    session.add_all(added)
    session.flush()
    return added


def all_towns(session: Session) -> list[Town]:
    return list(session.scalars(select(Town).order_by(Town.position)))


def get_town(session: Session, town_id: str) -> Town:
    town = session.get(Town, town_id)
    if town is None:
        raise NotFound(f"没有这个镇（街道、开发区）：{town_id}", f"no such town: {town_id}")
    return town


def status_size(session: Session) -> int:
    """The status list covers every serial any town may issue."""
    towns = all_towns(session)
    return max((t.serial_hi for t in towns), default=0) + 1


def town_key(text: str) -> str:
    """How a town is matched: full-width folded, no spaces, upper case, without 苏州市/吴中区."""
    key = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    for prefix in PLACE_PREFIXES:
        key = key.removeprefix(prefix)
    return key


@dataclass(frozen=True)
class TownNames:
    """The district's towns by every way an office writes one: WZ-MD, 木渎镇 or 木渎."""

    ids: dict[str, str]
    names: dict[str, str]
    seen: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def find(self, text: str) -> str | None:
        """The town's id (a file repeats a few spellings 120,000 times: each is worked out once)."""
        if text not in self.seen:
            self.seen[text] = self.ids.get(town_key(text))
        return self.seen[text]

    def name(self, town_id: str) -> str:
        return self.names.get(town_id, town_id)


def town_names(session: Session) -> TownNames:
    ids: dict[str, str] = {}
    names: dict[str, str] = {}
    for town in all_towns(session):
        names[town.id] = town.name
        short = town.name.removesuffix("街道").removesuffix("镇")
        for spelling in (town.id, town.name, short):
            ids.setdefault(town_key(spelling), town.id)
    return TownNames(ids, names)
