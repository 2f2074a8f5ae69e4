"""The window's day report (SPEC §2): counts by card kind, list total, charged total, discount
given, overrides; and a CSV for reconciliation with the tourism company.

The CSV is UTF-8 with a BOM (so Excel opens the Chinese right), one header row that names each
column in Chinese and English ("日期 Date": Excel and the company's tools take the first row as the
header), one row per sale in sale order, then a totals row. Money in 元 with two decimals; card
holders' names are masked (陈*国): the company reconciles by serial and ticket, not by name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from app.chinatime import CHINA_OFFSET, day_date
from app.models import CardKind, Sale
from app.ports import SalesLog
from app.prices import format_yuan

HEADER = ("日期 Date", "时间 Time", "序号 Seq", "卡号 Serial", "持卡人 Holder", "类别 Kind",
          "票种 Ticket", "原价(元) List (yuan)", "实收(元) Charged (yuan)",
          "优惠(元) Discount (yuan)", "主管授权 Override", "记录号 Sale ID")
KIND_ZH = {CardKind.MEMBER: "会员", CardKind.FAMILY: "家属"}


def mask_name(name: str) -> str:
    """陈建国 → 陈*国, 王喆 → 王*, 李 → 李."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


@dataclass(frozen=True)
class CsvFile:
    """A file to hand to the clerk: its name and bytes (the screen downloads or shares it)."""

    name: str
    data: bytes
    mime_type: str = "text/csv"


@dataclass(frozen=True)
class DayReport:
    day: int
    spot_id: str
    sales: tuple[Sale, ...]

    @classmethod
    def of(cls, log: SalesLog, day: int, spot_id: str) -> DayReport:
        sales = sorted((s for s in log.for_day(day) if s.spot_id == spot_id), key=lambda s: s.seq)
        return cls(day, spot_id, tuple(sales))

    @property
    def date(self) -> dt.date:
        return day_date(self.day)

    def count(self, kind: CardKind | None = None) -> int:
        return sum(1 for s in self.sales if kind is None or s.kind is kind)

    @property
    def list_fen(self) -> int:
        return sum(s.list_fen for s in self.sales)

    @property
    def paid_fen(self) -> int:
        return sum(s.paid_fen for s in self.sales)

    @property
    def discount_fen(self) -> int:
        return self.list_fen - self.paid_fen

    @property
    def overrides(self) -> int:
        return sum(1 for s in self.sales if s.override)

    def to_csv(self) -> str:
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(self._row(s) for s in self.sales)
        writer.writerow(self._totals())
        return out.getvalue()

    def csv_file(self) -> CsvFile:
        """The day's CSV for the tourism company, named for the spot and the date."""
        return CsvFile(f"日报-{self.spot_id}-{self.date.isoformat()}.csv",
                       self.to_csv().encode("utf-8"))

    def _row(self, s: Sale) -> list[str]:
        clock = dt.datetime.fromtimestamp(s.at + CHINA_OFFSET, dt.UTC).strftime("%H:%M:%S")
        return [self.date.isoformat(), clock, str(s.seq), str(s.serial), mask_name(s.name),
                KIND_ZH[s.kind], s.ticket_name, format_yuan(s.list_fen), format_yuan(s.paid_fen),
                format_yuan(s.discount_fen), "是" if s.override else "", s.id]

    def _totals(self) -> list[str]:
        kinds = (f"会员 {self.count(CardKind.MEMBER)} / 家属 {self.count(CardKind.FAMILY)}")
        return [self.date.isoformat(), "合计 Total", str(self.count()), "", "", kinds, "",
                format_yuan(self.list_fen), format_yuan(self.paid_fen),
                format_yuan(self.discount_fen), str(self.overrides), ""]
