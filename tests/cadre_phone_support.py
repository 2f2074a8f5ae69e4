"""A cadre's phone for tests: the district's cadre side as a fake (real keys, a real signature
check on enrollment, real signed lists; `cadre_record` pushes applied or answered with a scripted
conflict; a reviewer who returns or approves), and the phone's cadre station built by main.py's
own `cadre_station` over a device store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.cadre_enroll import CadreEnrollRefused, CadreGrant
from app.cadre_station import CadreStation
from app.cadre_wire import NEEDY_WORKER, RECORD, RecordCopy
from app.device_proof import cadre_message, normalize_code
from app.district_errors import DistrictUnreachable
from app.duties import RecordState
from app.keys import KeyPair, verify_signature
from app.models import Change, DistrictAccess, Pulled, PullPage, PushResult
from app.sync import TokenExpired
from app.trust import StatusList, TrustList, sign_status_list, sign_trust_list
from main import cadre_station
from storage.device import DeviceStore
from tests.fakes import NOW, Clock

CADRE_CODE, CADRE_NO, CADRE_NAME, CADRE_TOKEN = "CAD7-X2QP", "GB0007", "周敏", "cadre-token-7"
URL = "http://district.test"
WORKERS = {"NW1": "王秀兰", "NW2": "李国庆", "NW3": "陈小妹"}


@dataclass
class CadreDistrict:
    root: KeyPair = field(default_factory=KeyPair.generate)
    codes: dict[str, str] = field(default_factory=lambda: {normalize_code(CADRE_CODE): CADRE_NO})
    reachable: bool = True
    enrolled_keys: list[bytes] = field(default_factory=list)
    copies: dict[str, RecordCopy] = field(default_factory=dict)
    pushed: dict[str, PushResult] = field(default_factory=dict)
    received: list[dict[str, Any]] = field(default_factory=list)
    conflict: tuple[str, str, str] | None = None  # the next push's answer: reason, zh, en
    log: list[Pulled] = field(default_factory=list)
    now: float = NOW  # the district's clock (the enrollment's server_time)

    def _up(self) -> None:
        if not self.reachable:
            raise DistrictUnreachable("the fake district is away")

    def enroll_cadre(self, server_url: str, code: str, public_key: bytes, signature: bytes,
                     device_name: str) -> CadreGrant:
        self._up()
        cadre_no = self.codes.get(normalize_code(code))
        if cadre_no is None:
            raise CadreEnrollRefused("登记码不对或已失效", "Wrong or expired code", "wrong_code")
        if not verify_signature(public_key, signature, cadre_message(code, public_key)):
            raise CadreEnrollRefused("签名不对", "Bad signature", "bad_signature")
        del self.codes[normalize_code(code)]
        self.enrolled_keys.append(public_key)
        trust = sign_trust_list(TrustList(1, NOW - 60, ()), self.root)
        status = sign_status_list(StatusList.empty(1000, 1, NOW - 60), self.root)
        return CadreGrant("dev-c1", CADRE_TOKEN, cadre_no, CADRE_NAME, self.root.public_raw,
                          trust, status, int(self.now))

    # the sync endpoints, for the cadre's scope ------------------------------------------

    def _authorized(self, access: DistrictAccess) -> None:
        self._up()
        if access.device_token != CADRE_TOKEN:
            raise TokenExpired()

    def push(self, access: DistrictAccess, changes: Sequence[Change]) -> list[PushResult]:
        self._authorized(access)
        return [self._one(c) for c in changes]

    def _one(self, change: Change) -> PushResult:
        if change.change_id in self.pushed:
            return PushResult(change.change_id, "duplicate")
        if self.conflict is not None:
            reason, zh, en = self.conflict
            self.conflict = None
            result = PushResult(change.change_id, "conflict", reason=reason, message=zh,
                                message_en=en)
        else:
            self.received.append(dict(change.fields))
            rev = int(change.fields["revision"])
            self.review(change.record_id, RecordState.SUBMITTED, None, revision=rev)
            result = PushResult(change.change_id, "applied", version=len(self.log))
        self.pushed[change.change_id] = result
        return result

    def pull(self, access: DistrictAccess, cursor: int, limit: int,
             generation: str | None = None) -> PullPage:
        self._authorized(access)
        after = [p for p in self.log if p.cursor > cursor]
        page = after[:limit]
        return PullPage(tuple(page), page[-1].cursor if page else cursor, len(after) > limit)

    def probe(self, server_url: str) -> bool:
        return self.reachable

    # what the district's people do ------------------------------------------------------

    def note(self, entity: str, record_id: str, fields: dict[str, Any] | None) -> None:
        op = "upsert" if fields is not None else "tombstone"
        self.log.append(Pulled(len(self.log) + 1, entity, record_id, op, None, fields))

    def review(self, record_id: str, state: RecordState, comment: str | None, *,
               revision: int | None = None) -> None:
        held = self.copies.get(record_id)
        number = revision if revision is not None else (held.revision if held else 1)
        copy = RecordCopy(record_id, state, number, comment, NOW if comment else None)
        self.copies[record_id] = copy
        self.note(RECORD, record_id, copy.fields())

    def assign(self, workers: dict[str, str] = WORKERS) -> None:
        for wid, name in workers.items():
            self.note(NEEDY_WORKER, wid, {"name": name, "union": "木渎镇工会", "town": "木渎",
                                          "phone": "138****0000", "category": "因病"})


def cadre_phone(device: DeviceStore, district: CadreDistrict, clock: Clock) -> CadreStation:
    """The phone's cadre side as main.py builds it, talking to `district`."""
    return cadre_station(device, district, clock, URL, district)


def enrolled_phone(device: DeviceStore, district: CadreDistrict, clock: Clock,
                   *, workers: bool = True) -> CadreStation:
    """Enrolled, and (with `workers`) synced once so that its needy workers are on it."""
    station = cadre_phone(device, district, clock)
    station.enroll(CADRE_CODE, URL)
    if workers:
        district.assign()
    assert station.sync.sync().error is None
    return station
