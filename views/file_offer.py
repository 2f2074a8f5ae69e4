"""Handing a file to the person at the screen: a download in a browser (the window PC), the
share sheet on a phone or tablet (WeChat, mail, files …), a save dialog in a desktop app.

Python may run on another machine than the screen (web mode), so a file kept on Python's disk
is no use to the clerk: the bytes go to the screen's device.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable

import flet as ft

from app.day_report import CsvFile


class Handed(enum.Enum):
    DOWNLOADED = "downloaded"  # a browser: in its downloads folder
    SHARED = "shared"  # a phone or tablet: the share sheet was shown and used
    SAVED = "saved"  # a desktop app: written where the person chose
    CANCELLED = "cancelled"  # the person closed the sheet or the dialog


OfferFile = Callable[[CsvFile], Awaitable[Handed]]


async def offer_file(file: CsvFile) -> Handed:
    """Hand `file` over on the current page (call it from that page's event handler)."""
    page = ft.context.page
    if page.platform is not None and page.platform.is_mobile():
        shared = ft.ShareFile.from_bytes(file.data, mime_type=file.mime_type, name=file.name)
        result = await ft.Share().share_files([shared], subject=file.name)
        return (Handed.CANCELLED if result.status is ft.ShareResultStatus.DISMISSED
                else Handed.SHARED)
    path = await ft.FilePicker().save_file(file_name=file.name, src_bytes=file.data,
                                           file_type=ft.FilePickerFileType.CUSTOM,
                                           allowed_extensions=[file.name.rsplit(".", 1)[-1]])
    if page.web:
        return Handed.DOWNLOADED
    return Handed.SAVED if path else Handed.CANCELLED
