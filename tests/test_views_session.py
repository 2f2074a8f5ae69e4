"""A page session: the QR ticker and the sync listener belong to the page that shows them — they
stop when it goes, start again when a reload brings it back, and every tab has its own."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any

import flet as ft

from tests.fakes import CODE, MEMBER_NO
from tests.views_support import Member, all_text, demo_member, find, make_shell
from views.session import Session


class FakeHost:
    """Stands in for ft.Page: a route, a view stack, and a count of updates."""

    def __init__(self, route: str = "/") -> None:
        self.route = route
        self.views: list[ft.View] = []
        self.updates = 0

    def update(self) -> None:
        self.updates += 1


class Tasks:
    def __init__(self) -> None:
        self.started: list[Future[None]] = []
        self.names: list[str] = []

    def __call__(self, handler: Callable[[], Coroutine[Any, Any, None]]) -> Future[None]:
        handler().close()  # never awaited here: the ticker itself is tested in test_views_card
        future: Future[None] = Future()
        self.started.append(future)
        self.names.append(handler.__name__)
        return future

    def running(self, name: str) -> int:
        return sum(1 for started, called in zip(self.started, self.names, strict=True)
                   if called == name and not started.cancelled())


def test_the_session_runs_the_ticker_only_while_a_card_is_shown() -> None:
    shell, _, _ = make_shell()
    host, tasks = FakeHost("/card"), Tasks()
    session = Session(host, shell, tasks)
    session.show()
    assert [v.route for v in host.views] == ["/card"] and host.updates == 1
    assert len(tasks.started) == 1
    host.route = "/spots"
    session.show()
    assert tasks.started[0].cancelled()
    assert len(tasks.started) == 1


def test_changing_language_restarts_the_ticker_on_the_redrawn_card() -> None:
    shell, _, _ = make_shell()
    host, tasks = FakeHost("/card"), Tasks()
    Session(host, shell, tasks).show()
    shell.toggle_language()
    assert tasks.started[0].cancelled() and not tasks.started[1].cancelled()
    assert "Member Card" in all_text(host.views[0])


def test_back_from_a_family_card_goes_to_the_family_list() -> None:
    shell, went, _ = make_shell()
    host = FakeHost("/family/100002")
    session = Session(host, shell, Tasks())
    session.show()
    session.pop()
    assert went == ["/family"]


def test_news_from_the_sync_redraws_the_shown_screen_in_place_keeping_a_half_typed_form() -> None:
    member = demo_member(with_cards=False)
    member.services.activation.activate(MEMBER_NO, CODE, "http://127.0.0.1:8600")
    shell, _, _ = make_shell(member)
    host = FakeHost("/family")
    session = Session(host, shell, Tasks())
    session.show()
    name = find(host.views, "family-name")
    assert isinstance(name, ft.TextField)
    name.value = "陈小"  # the member is typing
    member.services.family.request("王芳", "配偶", "5208")
    assert member.services.sync is not None
    member.services.sync.sync()
    asyncio.run(session.redraw_live())
    assert host.updates == 2 and find(host.views, "family-name") is name
    assert name.value == "陈小" and "已批准" in all_text(host.views)
    assert "全部已发送" in all_text(host.views)


def activated_member() -> Member:
    member = demo_member(with_cards=False)
    member.services.activation.activate(MEMBER_NO, CODE, "http://127.0.0.1:8600")
    return member


def test_a_reloaded_page_renews_its_qr_and_hears_the_sync_again() -> None:
    """A reload reconnects the same Flet session: the page went (disconnect), came back
    (connect), and Flet did not run the app's main again."""
    member = activated_member()
    assert member.services.sync is not None
    shell, _, _ = make_shell(member)
    host, tasks = FakeHost("/card"), Tasks()
    session = Session(host, shell, tasks, member.services.sync.subscribe)
    session.open()
    assert tasks.running("run") == 1
    session.leave()  # the page reloads: its websocket closes
    assert tasks.running("run") == 0
    member.services.sync.sync()
    assert tasks.running("redraw_live") == 0  # nobody to show it to
    session.resume()  # the reloaded page connects to the same session
    assert tasks.running("run") == 1
    assert "全部已发送" in all_text(host.views)  # what happened meanwhile is shown
    member.services.family.request("王芳", "配偶", "5208")
    assert tasks.running("redraw_live") == 1


def test_a_page_that_comes_back_keeps_its_screen_and_what_was_typed() -> None:
    member = activated_member()
    shell, _, _ = make_shell(member)
    host = FakeHost("/family")
    session = Session(host, shell, Tasks())
    session.open()
    name = find(host.views, "family-name")
    assert isinstance(name, ft.TextField)
    name.value = "陈小"
    session.leave()
    session.resume()
    assert find(host.views, "family-name") is name and name.value == "陈小"


def test_a_closed_page_stops_its_ticker_and_listener_for_good() -> None:
    member = activated_member()
    assert member.services.sync is not None
    shell, _, _ = make_shell(member)
    tasks = Tasks()
    session = Session(FakeHost("/card"), shell, tasks, member.services.sync.subscribe)
    session.open()
    session.leave()  # disconnected, then the session expired: Flet calls on_close too
    session.leave()
    member.services.family.request("王芳", "配偶", "5208")
    assert tasks.running("run") == 0 and tasks.running("redraw_live") == 0


def test_every_tab_of_a_phone_has_its_own_ticker_and_listener() -> None:
    member = activated_member()
    sync = member.services.sync
    assert sync is not None
    tabs = []
    for _ in range(2):
        shell, _, _ = make_shell(member)
        tasks = Tasks()
        session = Session(FakeHost("/card"), shell, tasks, sync.subscribe)
        session.open()
        tabs.append((session, tasks))
    tabs[0][0].leave()  # one tab closes
    member.services.family.request("王芳", "配偶", "5208")
    assert [t.running("run") for _, t in tabs] == [0, 1]
    assert [t.running("redraw_live") for _, t in tabs] == [0, 1]


def test_a_page_back_after_a_while_shows_the_qr_of_the_current_slot_at_once() -> None:
    member = demo_member()  # not activated: nothing else on the card screen is live
    shell, _, _ = make_shell(member)
    host = FakeHost("/card")
    session = Session(host, shell, Tasks())
    session.open()
    assert session.screen is not None and session.screen.qr is not None
    assert not session.screen.live
    qr = session.screen.qr
    drawn, updates = qr.image.src, host.updates
    session.leave()
    member.clock.now += 60  # two slots later: what the page had would be refused soon
    session.resume()
    assert qr.image.src != drawn and host.updates == updates + 1
    assert member.verify(qr.shown_text).valid
