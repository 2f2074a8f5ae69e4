"""The member's savings: every discounted ticket bought, and the total saved this year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.chinatime import CHINA
from app.models import Redemption
from app.ports import Clock, RedemptionRepository


@dataclass(frozen=True)
class SavingsSummary:
    year: int
    items: list[Redemption]
    saved_fen: int
    count: int


def year_of(unix_seconds: float) -> int:
    return dt.datetime.fromtimestamp(unix_seconds, CHINA).year


class Savings:
    def __init__(self, repo: RedemptionRepository, clock: Clock) -> None:
        self._repo, self._clock = repo, clock

    def summary(self, year: int | None = None) -> SavingsSummary:
        wanted = year if year is not None else year_of(self._clock())
        items = sorted((r for r in self._repo.all() if year_of(r.at) == wanted),
                       key=lambda r: r.at, reverse=True)
        return SavingsSummary(wanted, items, sum(r.saved_fen for r in items), len(items))
