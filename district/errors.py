"""Domain errors of the district server: each carries a message in Chinese and English.

The ASGI app maps them to 4xx responses; the CLI prints them and exits non-zero.
"""

from __future__ import annotations


class DistrictError(Exception):
    """Something a user can act on. `status` is the HTTP status the API answers with."""

    status = 400
    code = "bad_request"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


class NotFound(DistrictError):
    status = 404
    code = "not_found"


class Forbidden(DistrictError):
    """The device or staff member may not see or do this (a window asking for member data, a
    town clerk outside their town)."""

    status = 403
    code = "forbidden"


class Conflict(DistrictError):
    status = 409
    code = "conflict"


class Invalid(DistrictError):
    status = 422
    code = "invalid"


class KeyLocked(DistrictError):
    """The key passphrase is missing or wrong: private keys cannot be opened."""

    status = 503
    code = "keys_locked"


class NotInitialized(DistrictError):
    status = 409
    code = "not_initialized"
