"""Where and as whom this device talks to the district: the server address, and the device token
and id that activation or enrollment saved in the settings."""

from __future__ import annotations

from app.models import DEFAULT_SERVER_URL, DistrictAccess, Settings

TOKEN, DEVICE_ID, MEMBER_NO = "device_token", "device_id", "member_no"


def normalize_server_url(url: str) -> str:
    """`127.0.0.1:8600/` → `http://127.0.0.1:8600`; empty → the default address."""
    url = url.strip().rstrip("/")
    if not url:
        return DEFAULT_SERVER_URL
    return url if "://" in url else f"http://{url}"


def access_of(settings: Settings) -> DistrictAccess | None:
    """Where this phone talks to the district, once it has been activated."""
    token = settings.extra.get(TOKEN)
    return DistrictAccess(settings.server_url, token) if token and settings.server_url else None
