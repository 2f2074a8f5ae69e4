"""The device API (`/api/v1`) that phones and windows talk to: activation, the member's data,
window and cadre-phone enrollment, the signed lists and sync. `install(app)` adds every router
to the app."""

from __future__ import annotations

from fastapi import FastAPI

from district.api import activation, cadres, lists, member, sync, wait, windows


def install(app: FastAPI) -> None:
    """Add the device API's routes to the district app."""
    for router in (lists.router, activation.router, member.router, windows.router,
                   cadres.router, sync.router, wait.router):
        app.include_router(router)
