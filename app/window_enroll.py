"""Enrolling this device as a scenic spot's window (SPEC §2 Window staff).

The window makes its own key pair (the device key) and redeems a one-time code from the district
console; the district answers with a bearer token for the spot, its root key and signed lists.
The lists must open with that root before anything is kept: then the root and lists go to the
trust store, and the token, device id, role "window" and the spot to the settings (so
`app.district_access.access_of` gives the window its sync access).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from app.device_proof import sign_window
from app.district_access import DEVICE_ID, MEMBER_NO, TOKEN, access_of, normalize_server_url
from app.district_answers import open_lists
from app.district_errors import DistrictRefused
from app.models import Pinned, Settings
from app.ports import SettingsRepository, TrustStore
from app.wallet import Wallet

ROLE, WINDOW, SPOT_ID, SPOT_NAME = "role", "window", "spot_id", "spot_name"


@dataclass(frozen=True)
class WindowGrant:
    """What the district returns for a good window enrollment code."""

    device_id: str
    device_token: str
    spot_id: str
    spot_name: str
    root_public_key: bytes
    trust_list: bytes
    status_list: bytes
    server_time: int


@dataclass(frozen=True)
class EnrolledSpot:
    spot_id: str
    spot_name: str


class WindowEnrollRefused(DistrictRefused):
    """Enrollment did not happen: the district said no, or its answer does not check out."""


class WindowEnroller(Protocol):
    """`POST /api/v1/windows/enroll` (`remote.district_http.HttpDistrictClient`); `signature`
    is the device key's own over the enrollment (`app.device_proof.sign_window`)."""

    def enroll_window(self, server_url: str, code: str, public_key: bytes, signature: bytes,
                      device_name: str) -> WindowGrant: ...


def _nothing() -> None:
    """No one to tell about an enrollment (a build that does not sync)."""


class WindowEnrollment:
    """Enroll with a code from the console; `on_enrolled()` runs after (the sync starts over
    for the window's token)."""

    def __init__(self, client: WindowEnroller, wallet: Wallet, trust: TrustStore,
                 settings: SettingsRepository, device_name: str = "景区窗口",
                 on_enrolled: Callable[[], None] = _nothing) -> None:
        self._client, self._wallet, self._trust = client, wallet, trust
        self._settings, self._device_name, self._on_enrolled = settings, device_name, on_enrolled

    def settings(self) -> Settings:
        return self._settings.load()

    def is_enrolled(self) -> bool:
        settings = self._settings.load()
        return settings.extra.get(ROLE) == WINDOW and access_of(settings) is not None

    def spot(self) -> EnrolledSpot | None:
        """The spot this window sells for, once enrolled."""
        extra = self._settings.load().extra
        if not self.is_enrolled() or not extra.get(SPOT_ID):
            return None
        return EnrolledSpot(extra[SPOT_ID], extra.get(SPOT_NAME, ""))

    def enroll(self, code: str, server_url: str) -> EnrolledSpot:
        code = code.strip().replace(" ", "")
        if not code:
            raise WindowEnrollRefused("请填写登记码", "Enter the enrollment code", "missing")
        if self._settings.load().extra.get(MEMBER_NO):
            raise WindowEnrollRefused(
                "本机已激活为会员手机，不能再登记为景区窗口",
                "This device holds a member's card; it cannot become a window", "member_phone")
        url, key = normalize_server_url(server_url), self._wallet.device_key()
        grant = self._client.enroll_window(url, code, key.public_raw, sign_window(key, code),
                                           self._device_name)
        pinned = self._check(grant)
        self._keep(grant, pinned, url)
        self._on_enrolled()
        return EnrolledSpot(grant.spot_id, grant.spot_name)

    def _check(self, grant: WindowGrant) -> Pinned:
        before = self._trust.load()
        if self.is_enrolled() and before and before.root_public_key != grant.root_public_key:
            raise WindowEnrollRefused(
                "这台服务器不是本机登记时的区总工会服务器，未作任何更改",
                "This server is not the district this window enrolled with; nothing changed",
                "other_root")
        pinned = Pinned(grant.root_public_key, grant.trust_list, grant.status_list)
        try:
            open_lists(pinned)
        except DistrictRefused as exc:
            raise WindowEnrollRefused(exc.message_zh, exc.message_en, "damaged") from exc
        return pinned

    def _keep(self, grant: WindowGrant, pinned: Pinned, url: str) -> None:
        self._trust.save(pinned)
        settings = self._settings.load()
        extra = {**settings.extra, TOKEN: grant.device_token, DEVICE_ID: grant.device_id,
                 ROLE: WINDOW, SPOT_ID: grant.spot_id, SPOT_NAME: grant.spot_name}
        self._settings.save(dataclasses.replace(settings, server_url=url, extra=extra))
