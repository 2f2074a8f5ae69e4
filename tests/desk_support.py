"""A window device enrolled on disk with signed lists, for the browser tests of the desk."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import storage
from app.demo import demo_catalog
from app.district_access import DEVICE_ID, TOKEN
from app.models import Pinned
from app.trust import sign_status_list, sign_trust_list
from app.window_enroll import ROLE, SPOT_ID, SPOT_NAME, WINDOW
from tests.browser_support import (
    free_port,
)
from tests.kit import Kit


def enrolled_window(data_dir: Path, kit: Kit, now: float) -> None:
    """What enrollment and a sync leave on a window device, written through the app's store."""
    device = storage.open_device(data_dir)
    try:
        device.catalog.replace(*demo_catalog())
        root = kit.root
        device.trust.save(Pinned(root.public_raw, sign_trust_list(kit.trust(), root),
                                 sign_status_list(kit.status(), root)))
        settings = device.settings.load()
        extra = {**settings.extra, TOKEN: "camera-test-token", DEVICE_ID: "camera-test-window",
                 ROLE: WINDOW, SPOT_ID: "yanjia", SPOT_NAME: "严家花园"}
        nobody = f"http://127.0.0.1:{free_port()}"  # the district is away: the window is offline
        device.settings.save(dataclasses.replace(settings, server_url=nobody, extra=extra))
    finally:
        device.close()
