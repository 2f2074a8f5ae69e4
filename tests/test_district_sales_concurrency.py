"""Many windows pushing sales of the same cards at once, on SQLite and PostgreSQL through a real
uvicorn, and split over two `serve` processes on one PostgreSQL: every push is answered 200 and
every sale is kept exactly once — no deadlock between two windows that name the same cards in a
different order reaches a window as a 5xx."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import func, select

from district.cards import issuance
from district.registry import people
from district.windows.tables import Redemption
from tests.api_support import Phone, Server
from tests.district_window_support import sale, sale_change, window, with_catalog
from tests.fakes import NOW

WINDOWS, CARDS = 16, 12


def _cards(server: Server, count: int) -> list[int]:
    """Printed cards of one member: `count` serials the windows will share."""
    keys = server.district.keys()
    with server.district.sessions.begin() as session:
        member = people.member_by_no(session, "WZ1")
        return [issuance.issue_card(session, keys, member, actor="test", now=NOW).serial
                for _ in range(count)]


def _push(tablet: Phone, serials: list[int], at: float) -> httpx.Response:
    shuffled = random.Random(tablet.answer["device_id"]).sample(serials, len(serials))
    changes = [sale_change(n + 1, sale(serial, at + n)) for n, serial in enumerate(shuffled)]
    return tablet.send("POST", "/sync/push", {"changes": changes})


def _all_at_once(servers: list[Server]) -> None:
    first = servers[0]
    with_catalog(first)
    serials = _cards(first, CARDS)
    tablets = [window(servers[n % len(servers)]) for n in range(WINDOWS)]
    at = first.clock()
    with ThreadPoolExecutor(WINDOWS) as pool:
        answers = list(pool.map(lambda t: _push(t, serials, at), tablets))
    assert [a.status_code for a in answers] == [200] * WINDOWS, [a.text[:200] for a in answers
                                                                 if a.status_code != 200]
    statuses = {r["status"] for a in answers for r in a.json()["results"]}
    assert statuses == {"applied"}
    with first.district.sessions() as session:
        kept = session.scalar(select(func.count(func.distinct(Redemption.sale_id))))
        rows = session.scalar(select(func.count()).select_from(Redemption))
    assert kept == rows == WINDOWS * CARDS


def test_windows_sharing_cards_push_at_once_and_every_sale_is_kept_once(server: Server) -> None:
    _all_at_once([server])


def test_the_same_holds_with_the_windows_split_over_two_server_instances(
        two_instances: list[Server]) -> None:
    _all_at_once(two_instances)
