"""The sync status line in words: "3 条待发送 · 上次同步 14:05" (China time, SPEC §6)."""

from __future__ import annotations

import datetime as dt

from app.chinatime import CHINA
from app.i18n import text
from app.sync import SyncStatus


def _clock_time(unix_seconds: int, now: float) -> str:
    """hh:mm today, else the date and hh:mm (China time)."""
    at = dt.datetime.fromtimestamp(unix_seconds, CHINA)
    today = dt.datetime.fromtimestamp(now, CHINA).date()
    return at.strftime("%H:%M") if at.date() == today else at.strftime("%Y-%m-%d %H:%M")


def status_line(status: SyncStatus, language: str, now: float) -> str:
    """What waits, what needs attention, when the last sync was, and why it cannot sync now."""
    parts = [text("sync.waiting", language, n=status.waiting) if status.waiting
             else text("sync.all_sent", language)]
    if status.parked:
        parts.append(text("sync.parked", language, n=status.parked))
    parts.append(text("sync.last", language, time=_clock_time(status.last_synced_at, now))
                 if status.last_synced_at is not None else text("sync.never", language))
    if status.signed_out:
        parts.append(text("sync.signed_out", language))
    elif status.online is False:
        parts.append(text("sync.offline", language))
    return " · ".join(parts)
