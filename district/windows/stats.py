"""Discount statistics of the windows' sales (SPEC §2 District) and the reconciliation export.

Sales are grouped per spot, per China business day, per card kind and per town (the town of
the card's member; a sale whose serial the district does not know has no town), each with the
count, the list total, the charged total and the money saved, in integer fen. A town clerk sees
the sales of their town's members only. The export for a tourism company lists every sale at
its spots in a date range, one row per sale, then the totals: UTF-8 with a BOM (so Excel reads
the Chinese), amounts in 元 with two decimals.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from app.chinatime import CHINA, china_day, date_day, day_date
from app.prices import format_yuan
from district.errors import Invalid
from district.tables import Member, Spot, Ticket, Town
from district.windows.sales import IMPLAUSIBLE
from district.windows.tables import Redemption

MAX_DAYS = 366
FLAGGED_SHOWN = 200


def day_of(text: str) -> int:
    """`2026-11-20` as a business day number; Invalid for anything else."""
    try:
        return date_day(date.fromisoformat(text.strip()))
    except ValueError as exc:
        raise Invalid(f"日期格式不对：{text}（应为 2026-11-20）",
                      f"not a date: {text} (use 2026-11-20)") from exc


def date_of(day: int) -> str:
    return day_date(day).isoformat()


@dataclass(frozen=True)
class Query:
    """Which sales: business days `first`…`last` (inclusive), the members' town (None: all)."""

    first: int
    last: int
    town_id: str | None = None

    def __post_init__(self) -> None:
        if self.last < self.first or self.last - self.first >= MAX_DAYS:
            raise Invalid(f"日期范围不对：结束日期不能早于开始日期，最多 {MAX_DAYS} 天",
                          f"bad date range: the end is before the start or over {MAX_DAYS} days")


def recent(today: int, days: int = 30, town_id: str | None = None) -> Query:
    return Query(today - days + 1, today, town_id)


def today(now: int) -> int:
    return china_day(now)


@dataclass(frozen=True)
class Line:
    """One group: its key (spot name, date, kind, town name) and its totals in fen."""

    key: str
    count: int
    list_fen: int
    paid_fen: int

    @property
    def saved_fen(self) -> int:
        return self.list_fen - self.paid_fen


@dataclass(frozen=True)
class Report:
    query: Query
    total: Line
    by_spot: list[Line]
    by_day: list[Line]
    by_kind: list[Line]
    by_town: list[Line]
    flagged: list[Redemption]


def _where(query: Query) -> list[ColumnElement[bool]]:
    conditions = [Redemption.day >= query.first, Redemption.day <= query.last,
                  Redemption.device_id.is_not(None)]
    if query.town_id is not None:
        conditions.append(Member.town_id == query.town_id)
    return conditions


def _counted(query: Query) -> list[ColumnElement[bool]]:
    """The sales that count as discounts given: not those kept only for review as implausible."""
    return [*_where(query), or_(Redemption.flag.is_(None), Redemption.flag.not_in(IMPLAUSIBLE))]


def _sums(key: Any) -> Select[Any]:
    return select(key, func.count(Redemption.id), func.coalesce(func.sum(Redemption.list_fen), 0),
                  func.coalesce(func.sum(Redemption.paid_fen), 0))


def _lines(session: Session, query: Query, key: Any, *joins: Any) -> list[Line]:
    statement = _sums(key).select_from(Redemption).outerjoin(
        Member, Member.id == Redemption.member_id)
    for table, on in joins:
        statement = statement.outerjoin(table, on)
    rows = session.execute(statement.where(*_counted(query)).group_by(key).order_by(key))
    return [Line("" if k is None else str(k), int(n), int(lf), int(pf)) for k, n, lf, pf in rows]


def report(session: Session, query: Query) -> Report:
    """Every grouping of the sales that `query` selects, and the flagged ones (newest first)."""
    spots = _lines(session, query, Spot.name, (Spot, Spot.id == Redemption.spot_id))
    days = [Line(date_of(int(line.key)), line.count, line.list_fen, line.paid_fen)
            for line in _lines(session, query, Redemption.day)]
    towns = _lines(session, query, Town.name, (Town, Town.id == Member.town_id))
    kinds = _lines(session, query, Redemption.kind)
    total = Line("", *(sum(getattr(line, f) for line in days)
                       for f in ("count", "list_fen", "paid_fen")))
    flagged = list(session.scalars(select(Redemption).outerjoin(
        Member, Member.id == Redemption.member_id).where(
        *_where(query), or_(Redemption.flag.is_not(None), Redemption.override.is_(True)))
        .order_by(Redemption.at.desc())
        .limit(FLAGGED_SHOWN)))
    return Report(query, total, sorted(spots, key=lambda line: -line.saved_fen), days, kinds,
                  sorted(towns, key=lambda line: -line.saved_fen), flagged)


def companies(session: Session) -> list[str]:
    return sorted(set(session.scalars(select(Spot.company))))


HEADER = ("日期 Date", "时间 Time", "景点 Spot", "票种 Ticket", "卡号 Card", "类别 Kind",
          "门市价(元) List", "实收(元) Charged", "优惠(元) Saved", "窗口设备 Window",
          "标记 Flag", "售票编号 Sale")
KIND_NAMES = {"member": "会员 member", "family": "家属 family"}


def _sale_rows(session: Session, company: str, query: Query) -> Sequence[Any]:
    statement = (select(Redemption, Spot.name, Ticket.name).join(Spot, Spot.id ==
                                                                 Redemption.spot_id)
                 .outerjoin(Ticket, Ticket.id == Redemption.ticket_id)
                 .outerjoin(Member, Member.id == Redemption.member_id)
                 .where(Spot.company == company, *_where(query))
                 .order_by(Redemption.at, Redemption.id))
    return list(session.execute(statement))


def _csv_row(row: Redemption, spot: str, ticket: str | None) -> list[str]:
    moment = datetime.fromtimestamp(row.at, CHINA)
    return [date_of(row.day or 0), moment.strftime("%H:%M:%S"), spot, ticket or row.ticket_id,
            str(row.card_serial), KIND_NAMES.get(row.kind or "", row.kind or ""),
            format_yuan(row.list_fen), format_yuan(row.paid_fen),
            format_yuan(row.list_fen - row.paid_fen),
            row.device_id or "", row.flag or "", row.sale_id or ""]


def reconciliation_csv(session: Session, company: str, query: Query) -> bytes:
    """The company's sales in the range, one row each, then a totals row; UTF-8 with BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    rows = _sale_rows(session, company, query)
    for row, spot, ticket in rows:
        writer.writerow(_csv_row(row, spot, ticket))
    listed = sum(r.list_fen for r, _s, _t in rows)
    paid = sum(r.paid_fen for r, _s, _t in rows)
    writer.writerow(["合计 Total", "", company, f"{len(rows)} 笔 sales", "", "",
                     format_yuan(listed), format_yuan(paid), format_yuan(listed - paid),
                     "", "", ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
