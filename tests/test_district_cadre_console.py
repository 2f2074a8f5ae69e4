"""The console's cadre phone codes and study meetings through a real server (sign-in, CSRF), on
SQLite and PostgreSQL: a code shown once with the codes it stopped, meetings created by district
admins, and the meeting room's check-in screen with its pass, code and count."""

from __future__ import annotations

import io
import re
import time
import uuid
from datetime import datetime, timedelta

import httpx
import zxingcpp
from PIL import Image

from app.card import slot_of
from app.chinatime import CHINA
from app.keys import KeyPair
from app.meeting_pass import MeetingPass, short_code, verify_pass
from district.cadres import meetings
from district.cards import lists
from tests.cadre_sync_support import enroll_body
from tests.console_support import ADMIN, CLERK, Console, csrf, signed_in

DEMO_CADRE = "GB0001"  # 周文华
REVIEWER = ("review", "demo-review-2014")


def _code(http: httpx.Client, cadre_no: str = DEMO_CADRE) -> httpx.Response:
    return http.post(f"/console/cadres/{cadre_no}/code",
                     data={"csrf": csrf(http, "/console/meetings")})


def test_an_admin_makes_a_cadre_phone_code_that_enrolls_and_stops_the_older_one(
        console: Console) -> None:
    with signed_in(console, ADMIN) as http:
        first, second = _code(http), _code(http)
    assert first.status_code == second.status_code == 200, first.text
    codes = [re.search(r'id="cadre-code">([A-Z0-9-]+)<', p.text) for p in (first, second)]
    assert codes[0] and codes[1]
    assert "周文华" in second.text and 'id="cancelled-codes"' in second.text
    assert "1 个登记码已作废" in second.text and "有效期至" in second.text
    stale = httpx.post(f"{console.url}/api/v1/cadres/enroll",
                       json=enroll_body(KeyPair.generate(), codes[0].group(1)))
    fresh = httpx.post(f"{console.url}/api/v1/cadres/enroll",
                       json=enroll_body(KeyPair.generate(), codes[1].group(1)))
    assert stale.json()["error"] == "code_cancelled"
    assert fresh.status_code == 200 and fresh.json()["cadre_no"] == DEMO_CADRE


def test_only_a_district_admin_with_the_forms_token_makes_a_code(console: Console) -> None:
    with signed_in(console, CLERK) as http:
        assert _code(http).status_code == 403
    with signed_in(console, ADMIN) as http:
        assert http.post(f"/console/cadres/{DEMO_CADRE}/code", data={}).status_code == 403
        missing = _code(http, "GB9999")
        assert missing.status_code == 404 and "没有这位干部" in missing.text


def _form(title: str, starts: datetime, minutes: int, token: str) -> dict[str, str]:
    return {"title": title, "place": "区总工会三楼会议室", "day": starts.strftime("%Y-%m-%d"),
            "starts": starts.strftime("%H:%M"),
            "ends": (starts + timedelta(minutes=minutes)).strftime("%H:%M"), "csrf": token}


def _now_window() -> tuple[datetime, int]:
    """A start a few minutes ago and a length that stays within today (China time)."""
    now = datetime.now(CHINA).replace(second=0, microsecond=0)
    starts = max(now - timedelta(minutes=5), now.replace(hour=0, minute=0))
    midnight = starts.replace(hour=23, minute=59)
    return starts, min(60, int((midnight - starts).total_seconds() // 60))


def test_an_admin_creates_a_meeting_and_the_screen_shows_its_pass(console: Console) -> None:
    starts, minutes = _now_window()
    title = f"学习例会 {time.time_ns()}"
    with signed_in(console, ADMIN) as http:
        made = http.post("/console/meetings",
                         data=_form(title, starts, minutes, csrf(http, "/console/meetings")))
        assert made.status_code == 303
        listed = http.get(made.headers["location"]).text
        assert title in listed and "干部手机同步后即可看到" in listed
        found = re.search(r'href="/console/meetings/(\d+)/checkin"', listed)
        assert found
        before = slot_of(time.time())
        screen = http.get(f"/console/meetings/{found.group(1)}/checkin")
        after = slot_of(time.time())
        png = http.get(f"/console/meetings/{found.group(1)}/qr.png")
    with console.district.sessions() as session:
        held = meetings.get_meeting(session, int(found.group(1)))
    shown = re.search(r'id="checkin-code">([A-Z0-9]{6})<', screen.text)
    assert shown and shown.group(1) in {short_code(held.code_key, held.id, s)
                                        for s in (before, after)}
    assert title in screen.text and "签到人数 0" in screen.text
    assert 'http-equiv="refresh"' in screen.text
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    with console.district.sessions() as session:
        root = lists.root_public(session)
    scanned = verify_pass(decoded.text, root, time.time())
    assert isinstance(scanned, MeetingPass) and scanned.meeting_id == held.id


def test_outside_the_meetings_time_the_screen_says_so(console: Console) -> None:
    tomorrow = (datetime.now(CHINA) + timedelta(days=1)).replace(hour=9, minute=0)
    with signed_in(console, ADMIN) as http:
        http.post("/console/meetings", data=_form("明天的例会", tomorrow, 90,
                                                  csrf(http, "/console/meetings")))
        with console.district.sessions() as session:
            held = next(m for m in meetings.meetings(session) if m.title == "明天的例会")
        screen = http.get(f"/console/meetings/{held.id}/checkin")
        assert 'id="checkin-closed"' in screen.text and "尚未开始" in screen.text
        assert 'id="checkin-code"' not in screen.text
        assert http.get(f"/console/meetings/{held.id}/qr.png").status_code == 404


def test_reviewers_see_meetings_but_only_admins_create_them(console: Console) -> None:
    starts, minutes = _now_window()
    with signed_in(console, REVIEWER) as http:
        assert http.get("/console/meetings").status_code == 200
        refused = http.post("/console/meetings", data=_form(
            "审核员的例会", starts, minutes, csrf(http, "/console/meetings")))
        assert refused.status_code == 403
    with signed_in(console, CLERK) as http:
        assert http.get("/console/meetings").status_code == 403


def test_a_bad_meeting_form_says_what_is_wrong(console: Console) -> None:
    starts, _minutes = _now_window()
    with signed_in(console, ADMIN) as http:
        token = csrf(http, "/console/meetings")
        backwards = http.post("/console/meetings", data=_form("例会", starts, -30, token))
        garbled = http.post("/console/meetings", data={**_form("例会", starts, 30, token),
                                                       "day": "明天"})
    assert backwards.status_code == 422 and "结束时间应晚于开始时间" in backwards.text
    assert garbled.status_code == 422 and "格式不对" in garbled.text


def test_a_cadre_types_the_screens_code_and_the_screen_counts_the_check_in(
        console: Console) -> None:
    starts, minutes = _now_window()
    title = f"签到计数例会 {time.time_ns()}"
    with signed_in(console, ADMIN) as http:
        http.post("/console/meetings",
                  data=_form(title, starts, minutes, csrf(http, "/console/meetings")))
        with console.district.sessions() as session:
            held = next(m for m in meetings.meetings(session) if m.title == title)
        shown = re.search(r'id="checkin-code">([A-Z0-9]{6})<',
                          http.get(f"/console/meetings/{held.id}/checkin").text)
        code = re.search(r'id="cadre-code">([A-Z0-9-]+)<', _code(http).text)
        assert shown and code
        grant = httpx.post(f"{console.url}/api/v1/cadres/enroll",
                           json=enroll_body(KeyPair.generate(), code.group(1))).json()
        fields = {"duty": "study_meeting", "subject": str(held.id),
                  "activity_date": datetime.now(CHINA).date().isoformat(), "revision": 1,
                  "content": {"code": shown.group(1)}}
        pushed = httpx.post(f"{console.url}/api/v1/sync/push", json={"changes": [{
            "change_id": str(uuid.uuid4()), "seq": 1, "entity": "cadre_record",
            "record_id": str(uuid.uuid4()), "op": "upsert", "base_version": None, "schema": 1,
            "fields": fields}]}, headers={"Authorization": f"Bearer {grant['device_token']}"})
        assert pushed.json()["results"][0]["status"] == "applied", pushed.text
        assert "签到人数 1" in http.get(f"/console/meetings/{held.id}/checkin").text
        audit = http.get("/console/audit").text
    assert "为干部 周文华（GB0001）生成了手机登记码" in audit
    assert "登记为干部 周文华（GB0001）的“五个一”手机" in audit
    assert f"新建了学习例会「{title}」" in audit
