"""The district's member API over HTTP (httpx): `app.ports.DistrictClient` for the phone.

JSON with bytes in base64. A connection that fails or times out, and any 5xx, is
`DistrictUnreachable` (the phone keeps everything and can try again); a 4xx is `DistrictRefused`
(`ActivationRefused` for activation) carrying the server's own Chinese and English words.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import httpx

from app.cadre_enroll import CadreEnrollRefused, CadreGrant
from app.cadre_wire import ENROLL_PATH
from app.district_errors import ActivationRefused, DistrictRefused, DistrictUnreachable
from app.models import (
    ActivationGrant,
    CardBundle,
    DistrictAccess,
    FamilyMember,
    FamilyRequest,
    FamilyState,
    MemberSummary,
)
from app.window_enroll import WindowEnrollRefused, WindowGrant

API = "/api/v1"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
Json = dict[str, Any]


class BadAnswer(DistrictRefused):
    """A 2xx answer that is not what the district sends (a wrong address, a proxy page)."""

    def __init__(self, detail: str) -> None:
        super().__init__("服务器的回答无法识别，请确认服务器地址", "The server's answer could not "
                         "be read; check the server address", "bad_answer")
        self.detail = detail


def _unb64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise BadAnswer("expected base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadAnswer("bad base64") from exc


def _refusal(response: httpx.Response, refused: type[DistrictRefused]) -> DistrictRefused:
    """The server's JSON error as an exception, or a plain one naming the HTTP status."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        english = body.get("message_en")
        return refused(body["message"], english if isinstance(english, str) else body["message"],
                       str(body.get("error", "refused")))
    return refused(f"服务器拒绝了请求（HTTP {response.status_code}）",
                   f"The server refused the request (HTTP {response.status_code})",
                   f"http_{response.status_code}")


def request_json(method: str, url: str, *, timeout: httpx.Timeout,
                 transport: httpx.BaseTransport | None, headers: dict[str, str],
                 refused: type[DistrictRefused] = DistrictRefused,
                 unauthorized: type[Exception] | None = None, **kwargs: Any) -> Json:
    """One request on a short-lived connection, answered with the district's JSON object.

    Connection failures and 5xx raise `DistrictUnreachable`; 401 raises `unauthorized` when
    given; another 4xx raises `refused` with the server's words; a 2xx that is not a JSON
    object raises `BadAnswer`.
    """
    try:
        with httpx.Client(timeout=timeout, transport=transport) as client:
            response = client.request(method, url, headers=headers, **kwargs)
    except (httpx.TransportError, httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise DistrictUnreachable(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code >= 500:
        raise DistrictUnreachable(f"HTTP {response.status_code}")
    if response.status_code == 401 and unauthorized is not None:
        raise unauthorized()
    if response.status_code >= 400:
        raise _refusal(response, refused)
    try:
        answer = response.json()
    except ValueError as exc:
        raise BadAnswer("not JSON") from exc
    if not isinstance(answer, dict):
        raise BadAnswer("not a JSON object")
    return answer


class HttpDistrictClient:
    """One short-lived connection per call: a phone talks to the district rarely."""

    def __init__(self, timeout: httpx.Timeout = TIMEOUT,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._timeout, self._transport = timeout, transport

    def _call(self, method: str, url: str, *, token: str | None = None, body: Json | None = None,
              refused: type[DistrictRefused] = DistrictRefused) -> Json:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return request_json(method, url, timeout=self._timeout, transport=self._transport,
                            headers=headers, refused=refused, json=body)

    def activate(self, server_url: str, member_no: str, code: str, public_key: bytes,
                 signature: bytes, device_name: str) -> ActivationGrant:
        body = {"member_no": member_no, "code": code, "device_name": device_name,
                "public_key": base64.b64encode(public_key).decode("ascii"),
                "signature": base64.b64encode(signature).decode("ascii")}
        answer = self._call("POST", f"{server_url}{API}/activate", body=body,
                            refused=ActivationRefused)
        try:
            return ActivationGrant(
                str(answer["device_id"]), str(answer["device_token"]),
                _unb64(answer["root_public_key"]), _unb64(answer["card"]),
                tuple(_unb64(c) for c in answer["family_cards"]), _unb64(answer["trust_list"]),
                _unb64(answer["status_list"]), int(answer["server_time"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise BadAnswer(f"activation answer: {exc}") from exc

    def enroll_window(self, server_url: str, code: str, public_key: bytes, signature: bytes,
                      device_name: str) -> WindowGrant:
        """`POST /api/v1/windows/enroll`: this device becomes a window of the code's spot."""
        body = {"code": code, "device_name": device_name,
                "public_key": base64.b64encode(public_key).decode("ascii"),
                "signature": base64.b64encode(signature).decode("ascii")}
        answer = self._call("POST", f"{server_url}{API}/windows/enroll", body=body,
                            refused=WindowEnrollRefused)
        try:
            return WindowGrant(
                str(answer["device_id"]), str(answer["device_token"]), str(answer["spot_id"]),
                str(answer["spot_name"]), _unb64(answer["root_public_key"]),
                _unb64(answer["trust_list"]), _unb64(answer["status_list"]),
                int(answer["server_time"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise BadAnswer(f"window enrollment answer: {exc}") from exc

    def enroll_cadre(self, server_url: str, code: str, public_key: bytes, signature: bytes,
                     device_name: str) -> CadreGrant:
        """`POST /api/v1/cadres/enroll`: this phone's cadre side, for the code's cadre."""
        body = {"code": code, "device_name": device_name,
                "public_key": base64.b64encode(public_key).decode("ascii"),
                "signature": base64.b64encode(signature).decode("ascii")}
        answer = self._call("POST", f"{server_url}{ENROLL_PATH}", body=body,
                            refused=CadreEnrollRefused)
        try:
            return CadreGrant(
                str(answer["device_id"]), str(answer["device_token"]), str(answer["cadre_no"]),
                str(answer["cadre_name"]), _unb64(answer["root_public_key"]),
                _unb64(answer["trust_list"]), _unb64(answer["status_list"]),
                int(answer["server_time"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise BadAnswer(f"cadre enrollment answer: {exc}") from exc

    def _list(self, access: DistrictAccess, kind: str) -> bytes:
        return _unb64(self._call("GET", f"{access.server_url}{API}/lists/{kind}").get("data"))

    def cards(self, access: DistrictAccess) -> CardBundle:
        """This phone's cards, with the newest trust and status lists to check them by."""
        answer = self._call("GET", f"{access.server_url}{API}/cards", token=access.device_token)
        try:
            own = answer["card"]
            family = tuple(_unb64(c) for c in answer["family_cards"])
        except (KeyError, TypeError) as exc:
            raise BadAnswer(f"cards answer: {exc}") from exc
        return CardBundle(None if own is None else _unb64(own), family,
                          self._list(access, "trust"), self._list(access, "status"))

    def me(self, access: DistrictAccess) -> MemberSummary:
        answer = self._call("GET", f"{access.server_url}{API}/me", token=access.device_token)
        try:
            family = tuple(_family_member(m) for m in answer.get("family") or ())
            return MemberSummary(str(answer["member_no_masked"]), str(answer["name"]), family)
        except (KeyError, TypeError, ValueError) as exc:
            raise BadAnswer(f"me answer: {exc}") from exc

    def request_family(self, access: DistrictAccess, request: FamilyRequest) -> FamilyMember:
        body = {"name": request.name, "relation": request.relation,
                "id_last4": request.id_last4}
        answer = self._call("POST", f"{access.server_url}{API}/family",
                            token=access.device_token, body=body)
        try:
            return _family_member(answer)
        except (KeyError, TypeError, ValueError) as exc:
            raise BadAnswer(f"family answer: {exc}") from exc

    def withdraw_family(self, access: DistrictAccess, number: int) -> None:
        self._call("DELETE", f"{access.server_url}{API}/family/{number}",
                   token=access.device_token)


def _family_member(m: Json) -> FamilyMember:
    serial = m.get("card_serial")
    return FamilyMember(int(m["number"]), str(m["name"]), str(m["relation"]),
                        FamilyState(m["state"]), None if serial is None else int(serial))
