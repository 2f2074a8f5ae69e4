"""The cadre's phone against the real district (SPEC §10), no browser: the demo district served
by `python -m district serve` (SQLite), a code from `python -m district enroll-cadre GB0001`,
and the phone's cadre station as main.py builds it over the real HTTP adapters
(`remote.district_http.enroll_cadre`, `remote.sync_http`). What one side's fakes could not show:
the profile's key enterprise and mentor as the district sends them, a diary with its optional
fields left empty taken as sent, the long poll answering a cadre's token, a record through
return, revision 2 and approval, and the records sent from the cadre's earlier phone (the
demo's) counted and revisable on the new one. The demo's GB0001 is in the console's cadre
list."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

import storage
from app.cadre_station import CadreStation
from app.duties import CellState, Duty, RecordState
from district.cadres import review
from district.cadres.tables import CadreRecord
from district.service import District
from district.settings import Settings
from main import build_services
from storage import DeviceStore
from tests.browser_support import free_port
from tests.console_support import sign_in
from tests.district_server import ROOT, DistrictServer, district_server

CADRE_NO = "GB0001"  # the demo's cadre, 周文华
REVIEWER = review.Reviewer("review", "reviewer")


@pytest.fixture
def district(tmp_path: Path) -> Iterator[DistrictServer]:
    """The demo district, afresh for each test (they change the cadre's records)."""
    with district_server(tmp_path / "district", free_port()) as server:
        yield server


def cli_code(district: DistrictServer) -> str:
    """`python -m district --data DIR enroll-cadre GB0001`: the code alone on stdout."""
    done = subprocess.run([sys.executable, "-m", "district", "--data", str(district.data_dir),
                           "enroll-cadre", CADRE_NO], cwd=ROOT, check=True,
                          capture_output=True, text=True)
    return done.stdout.strip()


@pytest.fixture
def phone(tmp_path: Path, district: DistrictServer) -> Iterator[tuple[DeviceStore, CadreStation]]:
    """A phone enrolled for GB0001 with a CLI code through the real HTTP adapter, synced once."""
    device = storage.open_device(tmp_path / "phone")
    try:
        station = build_services(device, time.time).cadre
        assert isinstance(station, CadreStation)  # main.py's, as the app runs it
        assert station.enroll(cli_code(district), district.url).cadre_name == "周文华"
        assert station.sync.sync().error is None
        yield device, station
    finally:
        device.close()


def held(district: DistrictServer, record_id: str) -> list[tuple[int, str, dict[str, object]]]:
    opened = District.open(Settings.from_env(district.data_dir), migrate=False)
    try:
        with opened.sessions() as session:
            return [(r.revision, r.state, json.loads(r.fields)["content"]) for r in
                    session.scalars(select(CadreRecord).where(CadreRecord.id == record_id))]
    finally:
        opened.close()


def decide(district: DistrictServer, record_id: str, revision: int, comment: str = "") -> None:
    opened = District.open(Settings.from_env(district.data_dir), migrate=False)
    try:
        with opened.sessions.begin() as session:
            if comment:
                review.return_record(session, record_id, revision, comment, REVIEWER,
                                     int(time.time()))
            else:
                review.approve(session, record_id, revision, REVIEWER, int(time.time()))
    finally:
        opened.close()


def test_the_phone_shows_the_cadres_enterprise_mentor_and_workers_by_name(
        phone: tuple[DeviceStore, CadreStation]) -> None:
    _device, station = phone
    profile = station.profile()
    assert profile is not None
    assert (profile.name, profile.enterprise, profile.mentor) == (
        "周文华", "木渎精工机械有限公司", "陈军")
    assert sorted(w.name for w in station.workers()) == ["刘建军", "张秀英", "陈小梅"]
    month = station.dashboard().month
    assert [(r.duty, r.state) for r in month if r.duty is Duty.WORK_DAY] == [
        (Duty.WORK_DAY, CellState.DUE)]


def test_a_diary_goes_through_return_revision_and_approval(
        phone: tuple[DeviceStore, CadreStation], district: DistrictServer) -> None:
    _device, station = phone
    book = station.book
    record_id = book.start(Duty.WORK_DAY).record_id
    book.save(record_id, {"enterprise": "木渎精工机械", "work_done": "跟班装配"})  # no hours
    book.submit(record_id)
    report = station.sync.sync()
    assert (report.pushed, report.parked) == (1, 0)
    assert [(rev, state) for rev, state, _ in held(district, record_id)] == [(1, "submitted")]

    heard: list[bool] = []
    waiter = threading.Thread(target=lambda: heard.append(station.sync.wait_for_news(20)))
    waiter.start()
    decide(district, record_id, 1, "请写明工时")
    waiter.join()
    assert heard == [True]  # the long poll answers a cadre's token when its record changes
    station.sync.sync()
    returned = book.get(record_id)
    assert returned is not None and returned.comment == "请写明工时"

    book.revise(record_id)
    book.save(record_id, {"hours": "6"})
    book.submit(record_id)
    assert station.sync.sync().parked == 0
    assert held(district, record_id)[0][:2] == (2, "submitted")
    assert held(district, record_id)[0][2]["hours"] == 6
    decide(district, record_id, 2)
    station.sync.sync()
    done = [r for r in station.dashboard().month if r.duty is Duty.WORK_DAY]
    assert [(r.state, r.record_id) for r in done] == [(CellState.DONE, record_id)]


def test_the_demo_cadre_is_in_the_consoles_cadre_list(district: DistrictServer) -> None:
    with httpx.Client(base_url=district.url, timeout=30) as http:
        assert sign_in(http, "review", "demo-review-2014").status_code == 303
        found = http.get("/console/cadres", params={"q": CADRE_NO})
    assert found.status_code == 200
    assert CADRE_NO in found.text and "周文华" in found.text


def test_a_new_phone_shows_and_revises_what_the_cadre_sent_from_an_earlier_one(
        phone: tuple[DeviceStore, CadreStation], district: DistrictServer) -> None:
    """The demo's records came from GB0001's earlier phone: the new phone counts them as the
    district does, and can revise the returned one (district/cli/demo_records.py)."""
    _device, station = phone
    board = station.dashboard()
    assert [r.state for r in board.block] == [CellState.SUBMITTED]  # the enterprise visit
    assert CellState.DONE in [r.state for r in board.quarter]  # a needy visit approved
    [returned] = [v for v in station.book.all() if v.state is RecordState.RETURNED]
    assert returned.comment and returned.can_revise and returned.current.content
    station.book.revise(returned.record_id)
    station.book.submit(returned.record_id)
    assert station.sync.sync().parked == 0
    assert held(district, returned.record_id)[0][:2] == (2, "submitted")
    shown = station.book.get(returned.record_id)
    assert shown is not None and [r.revision for r in shown.revisions] == [1, 2]
