"""China Standard Time (UTC+8, no daylight saving): the clock of the union's business days.

A business day is a number, days since 1970-01-01 in China: windows count the day's uses by it,
sales carry it, and the district's statistics group by it.
"""

from __future__ import annotations

import datetime as dt

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
CHINA_OFFSET = 8 * 3600
DAY = 86_400
EPOCH = dt.date(1970, 1, 1)


def china_day(unix_seconds: float) -> int:
    """The business day of a moment: days since 1970-01-01 in China Standard Time."""
    return int((unix_seconds + CHINA_OFFSET) // DAY)


def china_date(unix_seconds: float) -> dt.date:
    """The calendar date in China of a moment."""
    return dt.datetime.fromtimestamp(unix_seconds, CHINA).date()


def day_date(day: int) -> dt.date:
    """The calendar date of a business day number."""
    return EPOCH + dt.timedelta(days=day)


def date_day(date: dt.date) -> int:
    """The business day number of a calendar date."""
    return (date - EPOCH).days
