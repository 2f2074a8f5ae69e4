"""The desk's camera mode (issue 5): a 相机扫码 switch that opens `flet-camera`'s preview, takes a
picture every second (and on 拍照识别), reads the QR codes in it (`views.qr_decode`: zxing-cpp
where installed, else OpenCV's detector, which a phone build has) and hands the first member-card
text to the desk exactly as if the scan field had received it. A cadre's phone uses the same
mode for the study meeting's check-in pass (`pick=meeting_text`).

The camera runs in the page's client (the phone, or the browser on the window's PC); decoding
runs in a worker thread so the UI loop never waits for it. While the same code stays in front of
the camera it is handed over once; 拍照识别 always hands over what it reads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence

import flet as ft
import flet_camera as fc  # type: ignore[import-untyped]  # ships no type information

from views.plumbing import Redraw, Sleep, redraw_control
from views.qr_decode import QrDecoder, available, card_text
from views.services import Translator

EVERY = 1.0  # seconds between pictures while the camera is on
OnText = Callable[[str], None]
Pick = Callable[[bytes, Sequence[QrDecoder]], str | None]  # the wanted QR text in a picture

LABELS = {  # the message keys of app/i18n.py
    "toggle_on": "camera.toggle_on",
    "toggle_off": "camera.toggle_off",
    "capture": "camera.capture",
    "starting": "camera.starting",
    "watching": "camera.watching",
    "nothing": "camera.nothing",
    "read": "camera.read",
    "no_decoder": "camera.no_decoder",
    "no_camera": "camera.no_camera",
    "unsupported": "camera.unsupported",
}


class CameraMode:
    """The switch, and while it is on: the preview, 拍照识别 and a line of status."""

    def __init__(self, tr: Translator, on_text: OnText, *, redraw: Redraw = redraw_control,
                 decoders: Sequence[QrDecoder] | None = None, every: float = EVERY,
                 sleep: Sleep = asyncio.sleep, pick: Pick = card_text, key: str = "window",
                 labels: Mapping[str, str] = LABELS) -> None:
        """`pick`, `key` and `labels`: what a picture is read for (a member card by default; a
        cadre's phone reads meeting passes), the controls' key prefix and the message keys."""
        self._tr, self._on_text, self._redraw = tr, on_text, redraw
        self._pick, self._key, self._labels = pick, key, {**LABELS, **labels}
        self._decoders = list(available() if decoders is None else decoders)
        self._every, self._sleep = every, sleep
        self._run = 0  # bumps when the camera opens or closes: an older watch loop stops
        self._last: str | None = None  # the text last handed over by the watch loop
        self.camera: fc.Camera | None = None
        self.toggle = ft.OutlinedButton(self._label("toggle_on"), key=f"{key}-camera-toggle",
                                        icon=ft.Icons.PHOTO_CAMERA, on_click=self.switch)
        self.capture_button = ft.FilledButton(self._label("capture"),
                                              key=f"{key}-camera-capture",
                                              icon=ft.Icons.CAMERA, on_click=self.capture)
        self.status = ft.Text("", key=f"{key}-camera-status")
        self.view = ft.Column(key=f"{key}-camera-mode", spacing=8, controls=[self.toggle])

    def _label(self, key: str) -> str:
        return self._tr(self._labels[key])

    # opening and closing ---------------------------------------------------------------------

    async def switch(self) -> None:
        if self.camera is not None:
            self.close()
            return
        if not self._supported():
            self._say("unsupported")
            self.view.controls = [self.toggle, self.status]
            self._redraw(self.view)
            return
        await self.open()

    async def open(self) -> None:
        self._run += 1
        run, self._last = self._run, None
        self.camera = fc.Camera(key=f"{self._key}-camera", width=360, height=270,
                                preview_enabled=True)
        self.toggle.content = self._label("toggle_off")
        self.view.controls = [self.toggle, self.camera, self.capture_button, self.status]
        self._say("starting" if self._decoders else "no_decoder")
        self._redraw(self.view)
        try:
            cameras = await self.camera.get_available_cameras()
            if not cameras:
                raise RuntimeError("no camera")
            back = [c for c in cameras if c.lens_direction == fc.CameraLensDirection.BACK]
            await self.camera.initialize((back or cameras)[0], fc.ResolutionPreset.MEDIUM,
                                         enable_audio=False)
        except Exception as exc:  # the client's camera error, in words for the clerk
            if run == self._run:
                self.status.value = f"{self._label('no_camera')}{exc}"
                self._redraw(self.view)
            return
        if run != self._run or not self._decoders:
            return
        self._say("watching")
        self._redraw(self.view)
        page = self._page()
        if page is not None:
            page.run_task(self._watch, run)

    def stop(self) -> None:
        """The desk left the page (another screen, a reload, a closed tab): the camera goes
        with it, and so does the loop taking its pictures."""
        if self.camera is not None:
            self.close()

    def close(self) -> None:
        self._run += 1
        self.camera = None
        self.toggle.content = self._label("toggle_on")
        self.view.controls = [self.toggle]
        self._redraw(self.view)

    # reading ---------------------------------------------------------------------------------

    async def capture(self) -> None:
        """拍照识别: one picture now; whatever card it shows goes to the desk."""
        text = await self.read_once()
        if text is None:
            self._say("nothing")
            self._redraw(self.view)
            return
        self._hand_over(text)

    async def read_once(self) -> str | None:
        """Take a picture and read the first member-card QR in it (None: no card, no camera)."""
        camera = self.camera
        if camera is None:
            return None
        picture = await camera.take_picture()
        if not picture:
            return None
        return await asyncio.to_thread(self._pick, bytes(picture), self._decoders)

    async def _watch(self, run: int) -> None:
        """A picture every `every` seconds while this run of the camera lasts."""
        while run == self._run and self._page() is not None:
            try:
                text = await self.read_once()
            except Exception as exc:  # a picture failed: say so, keep watching
                if run != self._run:
                    return
                self.status.value = f"{self._label('no_camera')}{exc}"
                self._redraw(self.view)
                text = None
            if run != self._run:
                return
            if text is not None and text != self._last:
                self._hand_over(text)
            await self._sleep(self._every)

    def _hand_over(self, text: str) -> None:
        self._last = text
        self._say("read")
        self._on_text(text)
        if self._page() is not None:  # the receiver may have taken the camera off the screen
            self._redraw(self.view)

    # the page ----------------------------------------------------------------------------------

    def _say(self, key: str) -> None:
        self.status.value = self._label(key)

    def _page(self) -> ft.Page | None:
        try:
            page = self.view.page
        except RuntimeError:  # not on a page (tests drive the mode directly)
            return None
        return page if isinstance(page, ft.Page) else None

    def _supported(self) -> bool:
        page = self._page()
        if page is None:
            return True
        return bool(page.web) or page.platform in (ft.PagePlatform.ANDROID, ft.PagePlatform.IOS)
