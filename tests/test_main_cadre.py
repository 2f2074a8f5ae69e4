"""main.py builds the cadre's side of a phone beside the member's and keeps both synced: a
record submitted offline leaves by itself once the district answers, through the cadre's own
token, while the member's engine keeps its own outbox."""

from __future__ import annotations

import threading
import time

import main
from app.cadre_enroll import CadreGrant
from app.cadre_station import CadreStation
from app.duties import Duty
from storage.memory import in_memory_device
from tests.cadre_phone_support import CADRE_CODE, URL, CadreDistrict
from tests.fakes import NOW, FakeDistrict

STUCK = 60.0  # s: a guard against a test that hangs, never a measure of speed


class Both(FakeDistrict):
    """The member's fake district, with the cadres' enrollment of `cadres`."""

    def __init__(self, cadres: CadreDistrict) -> None:
        super().__init__()
        self.cadres = cadres

    def enroll_cadre(self, server_url: str, code: str, public_key: bytes, signature: bytes,
                     device_name: str) -> CadreGrant:
        return self.cadres.enroll_cadre(server_url, code, public_key, signature, device_name)


def test_the_cadres_record_is_sent_by_its_own_sync_started_beside_the_members() -> None:
    device, cadres = in_memory_device(), CadreDistrict()
    services = main.build_services(device, lambda: float(NOW), client=Both(cadres),
                                   transport=cadres)
    station = services.cadre
    assert isinstance(station, CadreStation) and not station.is_enrolled()
    station.enroll(CADRE_CODE, URL)
    draft = station.book.start(Duty.MENTOR_CONTACT)
    station.book.save(draft.record_id, {"way": "面谈", "learned": "带徒经验"})
    sent = threading.Event()
    station.sync.subscribe(lambda event: sent.set() if not station.sync.pending() and
                           cadres.received else None)
    stop = main.start_all_sync(services, time.time)
    try:
        station.book.submit(draft.record_id)  # "recorded" wakes the cadre's keeper
        assert sent.wait(STUCK), "the cadre's record never left"
    finally:
        stop()
    assert [r["duty"] for r in cadres.received] == ["mentor_contact"]
    assert device.outbox.pending() == [] and device.outbox.sent() == []  # the member's: untouched
