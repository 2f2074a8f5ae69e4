"""The district's sync endpoints over HTTP (httpx): `app.ports.SyncTransport` for the phone.

`POST /api/v1/sync/push` and `GET /api/v1/sync/pull` (see `district/api/sync.py` for the shapes).
Both answers carry the district's generation (absent from an older district: None); the pull
sends the one its cursor belongs to, when the phone knows it.
A connection that fails or times out, and any 5xx, is `DistrictUnreachable` (the engine backs
off and tries again); 401 is `TokenExpired`; another 4xx is `DistrictRefused` with the server's
words; an answer that is not the district's shape is `BadAnswer`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from app.models import Change, DistrictAccess, Pulled, PullPage, PushResult
from app.sync import TokenExpired
from remote.district_http import API, TIMEOUT, BadAnswer, Json, request_json

PROBE_TIMEOUT = httpx.Timeout(3.0)


def change_json(change: Change) -> Json:
    return {"change_id": change.change_id, "seq": change.seq, "entity": change.entity,
            "record_id": change.record_id, "op": change.op,
            "base_version": change.base_version, "schema": change.schema,
            "fields": change.fields}


def _result(r: Json, generation: str | None) -> PushResult:
    def text(name: str) -> str | None:
        value = r.get(name)
        return None if value is None else str(value)

    version, copy = r.get("version"), r.get("server_copy")
    return PushResult(str(r["change_id"]), str(r["status"]),
                      None if version is None else int(version),
                      copy if isinstance(copy, dict) else None,
                      text("reason"), text("message"), text("message_en"), generation)


def _generation(answer: Json) -> str | None:
    """The district's generation: a short text, or None from a district without one."""
    value = answer.get("generation")
    if value is None or (isinstance(value, str) and 0 < len(value) <= 64):
        return value
    raise ValueError(f"generation {value!r}")


def _pulled(c: Json) -> Pulled:
    fields = c.get("fields")
    version = c.get("version")
    return Pulled(int(c["cursor"]), str(c["entity"]), str(c["record_id"]), str(c["op"]),
                  None if version is None else int(version),
                  fields if isinstance(fields, dict) else None)


class HttpSyncTransport:
    """One connection per call, reused for nothing: a phone syncs every few minutes at most."""

    def __init__(self, timeout: httpx.Timeout = TIMEOUT,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._timeout, self._transport = timeout, transport

    def _call(self, access: DistrictAccess, method: str, path: str, **kwargs: Any) -> Json:
        return request_json(method, f"{access.server_url}{API}/sync/{path}",
                            timeout=self._timeout, transport=self._transport,
                            headers={"Authorization": f"Bearer {access.device_token}"},
                            unauthorized=TokenExpired, **kwargs)

    def push(self, access: DistrictAccess, changes: Sequence[Change]) -> list[PushResult]:
        answer = self._call(access, "POST", "push",
                            json={"changes": [change_json(c) for c in changes]})
        try:
            generation = _generation(answer)
            results = [_result(r, generation) for r in answer["results"]]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BadAnswer(f"push answer: {exc!r}") from exc
        if [r.change_id for r in results] != [c.change_id.lower() for c in changes]:
            raise BadAnswer("push answer does not match the changes sent")
        return results

    def pull(self, access: DistrictAccess, cursor: int, limit: int,
             generation: str | None = None) -> PullPage:
        params: dict[str, str | int] = {"cursor": cursor, "limit": limit}
        if generation is not None:
            params["generation"] = generation
        answer = self._call(access, "GET", "pull", params=params)
        try:
            changes = tuple(_pulled(c) for c in answer["changes"])
            return PullPage(changes, int(answer["next_cursor"]), bool(answer["more"]),
                            _generation(answer), answer.get("start_over") is True)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BadAnswer(f"pull answer: {exc!r}") from exc

    def wait(self, access: DistrictAccess, cursor: int, generation: str | None,
             seconds: int) -> bool:
        """`GET /sync/wait`: True once the district has news for this device."""
        params: dict[str, str | int] = {"cursor": cursor, "seconds": seconds}
        if generation is not None:
            params["generation"] = generation
        answer = request_json("GET", f"{access.server_url}{API}/sync/wait", params=params,
                              timeout=httpx.Timeout(seconds + 15.0, connect=5.0),
                              transport=self._transport, unauthorized=TokenExpired,
                              headers={"Authorization": f"Bearer {access.device_token}"})
        return answer.get("changed") is True

    def probe(self, server_url: str) -> bool:
        """`GET /healthz` answered "ok" within a few seconds: the district is there."""
        try:
            with httpx.Client(timeout=PROBE_TIMEOUT, transport=self._transport) as http:
                answer = http.get(f"{server_url.rstrip('/')}/healthz")
                return answer.status_code == 200 and answer.json().get("status") == "ok"
        except (httpx.HTTPError, ValueError, AttributeError):
            return False
