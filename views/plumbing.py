"""What every screen with live parts is handed: how to redraw a control, how to wait, and how
to run a blocking call off the UI loop (a blocked handler would freeze every session). Tests pass
their own in place of these."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import flet as ft

T = TypeVar("T")
Redraw = Callable[[ft.Control], None]
RunBlocking = Callable[[Callable[[], T]], Awaitable[T]]
Sleep = Callable[[float], Awaitable[None]]


def redraw_control(control: ft.Control) -> None:
    control.update()


async def in_thread(call: Callable[[], T]) -> T:
    return await asyncio.to_thread(call)
