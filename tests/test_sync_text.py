"""The status line the member reads (app/sync_text.py)."""

from __future__ import annotations

from app.sync import SyncStatus
from app.sync_text import status_line
from tests.fakes import AT_1405


def test_waiting_changes_and_the_last_sync_time_in_chinese_and_english() -> None:
    status = SyncStatus(3, 0, AT_1405, None, True)
    assert status_line(status, "zh", AT_1405 + 60) == "3 条待发送 · 上次同步 14:05"
    assert status_line(status, "en", AT_1405 + 60) == "3 waiting to send · last synced 14:05"


def test_an_older_sync_shows_its_date_and_parked_changes_are_counted() -> None:
    status = SyncStatus(0, 1, AT_1405, None, True)
    assert status_line(status, "zh", AT_1405 + 86_400) == (
        "全部已发送 · 1 条需处理 · 上次同步 2026-11-24 14:05")


def test_offline_and_signed_out_say_so_calmly() -> None:
    offline = SyncStatus(1, 0, None, AT_1405 + 4, False)
    assert status_line(offline, "zh", AT_1405) == (
        "1 条待发送 · 尚未同步 · 暂时连不上服务器，会自动重试")
    signed_out = SyncStatus(1, 0, None, None, True, signed_out=True)
    assert status_line(signed_out, "en", AT_1405).endswith("Signed out: activate again")
