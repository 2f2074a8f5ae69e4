"""The window's side of enrollment (`app.window_enroll`) against the real district on loopback:
the code from the console enrolls this device for its spot, the lists are pinned, and the token
then syncs the window's scope; refusals change nothing."""

from __future__ import annotations

import dataclasses

import pytest

from app.district_access import access_of
from app.district_errors import DistrictUnreachable
from app.models import Settings
from app.wallet import Wallet
from app.window_enroll import EnrolledSpot, WindowEnrollment, WindowEnrollRefused
from remote.district_http import HttpDistrictClient
from remote.sync_http import HttpSyncTransport
from storage.device import DeviceStore
from storage.memory import in_memory_device
from tests.api_support import Server
from tests.district_window_support import window_code, with_catalog


def _window(server: Server) -> tuple[WindowEnrollment, DeviceStore, list[str]]:
    device, told = in_memory_device(), []
    wallet = Wallet(device.keys, device.cards, server.clock)
    enrollment = WindowEnrollment(HttpDistrictClient(), wallet, device.trust, device.settings,
                                  "严家花园 1 号窗口", on_enrolled=lambda: told.append("sync"))
    return enrollment, device, told


def test_a_console_code_enrolls_this_device_as_the_spots_window(server: Server) -> None:
    with_catalog(server)
    enrollment, device, told = _window(server)
    assert (enrollment.is_enrolled(), enrollment.spot()) == (False, None)
    spot = enrollment.enroll(f" {window_code(server).lower()} ", server.url)
    assert spot == EnrolledSpot("yanjia", "严家花园") == enrollment.spot()
    assert enrollment.is_enrolled() and told == ["sync"]
    settings = device.settings.load()
    assert (settings.extra["role"], settings.extra["spot_id"]) == ("window", "yanjia")
    pinned = device.trust.load()
    assert pinned is not None and pinned.trust_list and pinned.status_list
    access = access_of(settings)
    assert access is not None
    page = HttpSyncTransport().pull(access, 0, 1000)
    assert {c.entity for c in page.changes} == {"list", "spot", "ticket", "rule"}


def test_a_used_code_and_an_unreachable_district_change_nothing(server: Server) -> None:
    with_catalog(server)
    code = window_code(server)
    first, _device, _told = _window(server)
    first.enroll(code, server.url)
    second, device, told = _window(server)
    with pytest.raises(WindowEnrollRefused) as refused:
        second.enroll(code, server.url)
    assert refused.value.code == "code_used" and "用过" in refused.value.message("zh")
    with pytest.raises(DistrictUnreachable):
        second.enroll(window_code(server), "http://127.0.0.1:9")
    with pytest.raises(WindowEnrollRefused):
        second.enroll("", server.url)
    assert (device.trust.load(), device.settings.load(), told) == (None, Settings(), [])


def test_a_member_phone_is_not_turned_into_a_window(server: Server) -> None:
    with_catalog(server)
    enrollment, device, _told = _window(server)
    device.settings.save(dataclasses.replace(Settings(), extra={"member_no": "WZ1"}))
    with pytest.raises(WindowEnrollRefused) as refused:
        enrollment.enroll(window_code(server), server.url)
    assert refused.value.code == "member_phone" and device.trust.load() is None
