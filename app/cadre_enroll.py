"""Enrolling this phone for a union cadre (SPEC §10), beside any member card it holds.

The cadre's side of the phone has its own key pair, made for this enrollment (never the member
card's key), its own device id and token, and its own settings, trust store, outbox and cursor
(`storage` keeps them in the "cadre_" collections). The phone proves it holds the key: a
signature over `ENROLL_CONTEXT + code (normalised) + b"\\n" + public key` (`app.cadre_wire`).
The district's lists must open with the root it sends before anything is kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from app.chinatime import china_date
from app.device_proof import normalize_code, sign_cadre
from app.district_access import DEVICE_ID, TOKEN, access_of, normalize_server_url
from app.district_answers import open_lists
from app.district_errors import DistrictRefused
from app.keys import KeyPair
from app.models import Pinned, Settings
from app.ports import DeviceKeyStore, SettingsRepository, TrustStore

CADRE_NO, CADRE_NAME, ENROLLED_ON = "cadre_no", "cadre_name", "enrolled_on"


@dataclass(frozen=True)
class CadreGrant:
    """What the district answers for a good cadre enrollment code."""

    device_id: str
    device_token: str
    cadre_no: str
    cadre_name: str
    root_public_key: bytes
    trust_list: bytes
    status_list: bytes
    server_time: int


@dataclass(frozen=True)
class EnrolledCadre:
    cadre_no: str
    cadre_name: str


class CadreEnrollRefused(DistrictRefused):
    """Enrollment did not happen: the district said no, or its answer does not check out."""


class CadreEnroller(Protocol):
    """`POST /api/v1/cadres/enroll` (`remote.district_http.HttpDistrictClient`)."""

    def enroll_cadre(self, server_url: str, code: str, public_key: bytes, signature: bytes,
                     device_name: str) -> CadreGrant: ...


@dataclass(frozen=True)
class CadreKeep:
    """Where the cadre's side of the phone keeps its enrollment (apart from the member's)."""

    keys: DeviceKeyStore
    settings: SettingsRepository
    trust: TrustStore


def _nothing(_other_cadre: bool) -> None:
    """No one to tell about an enrollment (a build that does not sync)."""


class CadreEnrollment:
    """Enroll with a code from the console; `on_enrolled(other_cadre)` runs after (the cadre's
    sync starts over; when another cadre enrolled, what the last one left unsent is parked)."""

    def __init__(self, client: CadreEnroller, keep: CadreKeep, device_name: str = "干部手机",
                 on_enrolled: Callable[[bool], None] = _nothing,
                 new_key: Callable[[], KeyPair] = KeyPair.generate) -> None:
        self._client, self._keep, self._device_name = client, keep, device_name
        self._on_enrolled, self._new_key = on_enrolled, new_key

    def settings(self) -> Settings:
        return self._keep.settings.load()

    def cadre(self) -> EnrolledCadre | None:
        settings = self._keep.settings.load()
        if access_of(settings) is None or not settings.extra.get(CADRE_NO):
            return None
        return EnrolledCadre(settings.extra[CADRE_NO], settings.extra.get(CADRE_NAME, ""))

    def root_public_key(self) -> bytes | None:
        """The district root key pinned at enrollment (it signs the meeting passes)."""
        pinned = self._keep.trust.load()
        return None if pinned is None else pinned.root_public_key

    def enrolled_on(self) -> dt.date | None:
        """The day (China, by the district's clock) this phone was enrolled for the cadre."""
        text = self._keep.settings.load().extra.get(ENROLLED_ON, "")
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None

    def enroll(self, code: str, server_url: str) -> EnrolledCadre:
        """Redeem the code (talks to the district: call it off the UI loop)."""
        if not normalize_code(code):
            raise CadreEnrollRefused("请填写登记码", "Enter the enrollment code", "missing")
        url, key = normalize_server_url(server_url), self._new_key()
        grant = self._client.enroll_cadre(url, normalize_code(code), key.public_raw,
                                          sign_cadre(key, code), self._device_name)
        pinned = self._check(grant)
        before = self.cadre()
        self._store(grant, pinned, url, key)
        self._on_enrolled(before is not None and before.cadre_no != grant.cadre_no)
        return EnrolledCadre(grant.cadre_no, grant.cadre_name)

    def _check(self, grant: CadreGrant) -> Pinned:
        before = self._keep.trust.load()
        if self.cadre() and before and before.root_public_key != grant.root_public_key:
            raise CadreEnrollRefused(
                "这台服务器不是本机登记时的区总工会服务器，未作任何更改",
                "This server is not the district this phone enrolled with; nothing changed",
                "other_root")
        pinned = Pinned(grant.root_public_key, grant.trust_list, grant.status_list)
        try:
            open_lists(pinned)
        except DistrictRefused as exc:
            raise CadreEnrollRefused(exc.message_zh, exc.message_en, "damaged") from exc
        return pinned

    def _store(self, grant: CadreGrant, pinned: Pinned, url: str, key: KeyPair) -> None:
        self._keep.keys.save(key.private_raw)
        self._keep.trust.save(pinned)
        settings = self._keep.settings.load()
        extra = {**settings.extra, TOKEN: grant.device_token, DEVICE_ID: grant.device_id,
                 CADRE_NO: grant.cadre_no, CADRE_NAME: grant.cadre_name,
                 ENROLLED_ON: china_date(grant.server_time).isoformat()}
        self._keep.settings.save(dataclasses.replace(settings, server_url=url, extra=extra))
