"""The study meeting's check-in screen without a browser (views/cadre_checkin.py): reached from
the dashboard's study meeting row and its 例会签到 button; this month's meetings with title, time
and place; the meeting room's pass read by the camera mode from a picture and checked in at
once; a forged or other meeting's pass refused in words with nothing recorded; a typed code
normalised and shown 待区总工会核对; the district's refusal in its words (English too)."""

from __future__ import annotations

import asyncio
import dataclasses

import flet as ft

from app.cadre_station import CadreStation
from app.keys import KeyPair
from app.qrimage import render_png
from storage.memory import in_memory_device
from tests.cadre_phone_support import CadreDistrict, enrolled_phone
from tests.fakes import Clock
from tests.meeting_support import LATER_ID, TODAY_ID, pass_text, send_meetings
from tests.views_support import all_text, click, demo_member, find, has_key
from views.cadre_checkin import CheckinScreen
from views.qr_decode import card_text, meeting_text
from views.services import Translator
from views.shell import Screen, Shell


class Pictures:
    """Stands in for flet-camera's control: each take_picture() returns the next picture."""

    def __init__(self, *pictures: bytes) -> None:
        self.pictures = list(pictures)

    async def take_picture(self) -> bytes:
        return self.pictures.pop(0)


def phone() -> tuple[CadreDistrict, CadreStation]:
    district = CadreDistrict()
    station = enrolled_phone(in_memory_device(), district, Clock(), workers=False)
    send_meetings(district)
    assert station.sync.sync().error is None
    return district, station


def shell_for(station: CadreStation, language: str = "zh") -> tuple[Shell, list[str]]:
    services = dataclasses.replace(demo_member().services, cadre=station)
    went: list[str] = []
    return Shell(services, language=language, save_language=lambda _: None,
                 navigate=went.append), went


def top(screen: Screen) -> str:
    return all_text(screen.views[-1])


def screen_for(station: CadreStation, language: str = "zh") -> CheckinScreen:
    return CheckinScreen(station, Translator(language), lambda _route: None,
                         redraw=lambda _control: None)


def state_text(screen: CheckinScreen, meeting_id: int = TODAY_ID) -> str:
    shown = find(screen.view, f"checkin-state-{meeting_id}")
    assert isinstance(shown, ft.Text)
    return str(shown.value)


def test_the_dashboard_row_and_its_button_open_this_months_meetings() -> None:
    _district, station = phone()
    shell, went = shell_for(station)
    board = shell.screen("/cadre")
    assert "点此签到：在会场扫码或输入签到码" in top(board)
    click(find(board.views, "row-study_meeting:2026-11:"))
    click(find(board.views, "cadre-checkin"))
    assert went == ["/cadre/checkin", "/cadre/checkin"]
    shown = shell.screen("/cadre/checkin")
    text = top(shown)
    assert "学习例会签到" in text  # the app bar
    assert "十一月学习例会" in text and "11月18日 18:36–20:06" in text
    assert "地点：区总工会三楼会议室" in text and "十月学习例会" not in text
    assert has_key(shown.views, "checkin-code") and has_key(shown.views, "cadre-camera-toggle")
    assert "扫码签到" in text and "未签到" in text
    assert len(shown.hidden) == 1  # leaving the screen stops the camera and its pictures
    later = find(shown.views, f"checkin-here-{LATER_ID}")
    assert isinstance(later, ft.OutlinedButton)
    assert "未到日子" in text and not later.visible


def test_the_camera_reads_the_rooms_pass_and_the_meeting_is_checked_in_at_once() -> None:
    district, station = phone()
    text = pass_text(district)
    picture = render_png(text)
    assert meeting_text(picture) == text and card_text(picture) is None
    screen = screen_for(station)
    screen.camera.camera = Pictures(render_png("HTTP://EXAMPLE.ORG/"), picture)
    asyncio.run(screen.camera.capture())
    assert screen.camera.status.value == "未识别到签到二维码" and station.book.all() == []
    asyncio.run(screen.camera.capture())
    assert state_text(screen) == "已签到（扫码已核验）"
    assert "签到成功 · 十一月学习例会" in all_text(screen.view)
    assert screen.camera.camera is None  # the camera closed once checked in
    [change] = station.sync.pending()
    assert change.fields["content"] == {"token": text}
    assert not has_key(screen.view, "checkin-code")  # nothing more to check in at this month
    station.sync.sync()
    screen.render()
    assert state_text(screen) == "已签到，区总工会已确认"


def test_a_forged_or_other_meetings_pass_is_refused_in_words_and_nothing_recorded() -> None:
    district, station = phone()
    screen = screen_for(station)
    screen.scanned(pass_text(district, root=KeyPair.generate()))
    error = find(screen.view, "checkin-error")
    assert isinstance(error, ft.Text) and error.visible
    assert error.value == "不能签到：签到码不是区总工会签发的（可能是伪造的）"
    screen.scanned(pass_text(district, meeting_id=LATER_ID))
    assert error.value == "不能签到：这是另一次例会的签到码，不是这次的"
    assert station.book.all() == [] and station.sync.pending() == []
    assert state_text(screen) == "未签到"
    english = screen_for(station, "en")
    assert "11/18 18:36–20:06" in all_text(english.view)
    assert "Place: 区总工会三楼会议室" in all_text(english.view)
    english.scanned(pass_text(district, meeting_id=LATER_ID))
    assert english.error.value == ("Cannot check in: this check-in code is from another "
                                   "meeting")


def test_a_typed_code_is_normalised_and_waits_for_the_district_to_verify_it() -> None:
    _district, station = phone()
    shell, went = shell_for(station)
    shown = shell.screen("/cadre/checkin")
    box = find(shown.views, "checkin-code")
    assert isinstance(box, ft.TextField)
    box.value = "K7Q"
    click(find(shown.views, "checkin-send-code"))
    assert "不能签到：签到码是二维码下方的 6 位字母和数字" in top(shown)
    box.value = " k7q2-xm "
    click(find(shown.views, "checkin-send-code"))
    assert "已签到，待区总工会核对" in top(shown)
    [change] = station.sync.pending()
    assert change.fields["content"] == {"code": "K7Q2XM"}
    click(find(shown.views, f"checkin-record-{TODAY_ID}"))
    record = shell.screen(went[-1])
    text = top(record)
    assert "签到码 K7Q2XM" in text and "十一月学习例会" in text
    assert "已签到，待区总工会核对" in text and "UPM1" not in text
    board = top(shell.screen("/cadre"))
    assert "学习例会签到" in board and "已提交，待审核" in board


def test_the_districts_refusal_is_shown_in_its_words_and_the_cadre_checks_in_again() -> None:
    district, station = phone()
    station.checkins.type_code(TODAY_ID, "AAAAAA")
    district.conflict = ("wrong_code", "签到码不对，或不是这次例会时间内显示的",
                         "wrong check-in code, or not one shown during this meeting")
    station.sync.sync()
    screen = screen_for(station)
    assert state_text(screen) == "区总工会未接受这次签到：签到码不对，或不是这次例会时间内显示的"
    assert has_key(screen.view, "checkin-code")  # it may be done again
    english = screen_for(station, "en")
    assert state_text(english) == ("The district did not take this check-in: wrong check-in "
                                   "code, or not one shown during this meeting")
    screen.scanned(pass_text(district))
    assert state_text(screen) == "已签到（扫码已核验）"


def test_a_sync_redraws_the_states_in_place_and_leaves_the_camera_where_it_is() -> None:
    """A cadre's sync runs while the camera is on (a redraw of `live`): the card holding the
    camera stays the same control, so the client keeps its preview."""
    district, station = phone()
    screen = screen_for(station)
    card = find(screen.view, f"meeting-{TODAY_ID}")
    station.checkins.type_code(TODAY_ID, "AAAAAA")
    district.conflict = ("wrong_code", "签到码不对", "wrong check-in code")
    station.sync.sync()
    screen.render()
    assert find(screen.view, f"meeting-{TODAY_ID}") is card
    assert state_text(screen) == "区总工会未接受这次签到：签到码不对"
    assert has_key(card, "cadre-camera-toggle")
