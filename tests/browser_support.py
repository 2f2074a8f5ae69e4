"""Drive the app in Debian's Chromium: start `main.py --web`, open pages, take screenshots."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, Playwright, Route, ViewportSize, expect

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PHONE: ViewportSize = {"width": 412, "height": 915}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            proc.poll()
    raise TimeoutError(f"nothing listens on port {port}")


@contextmanager
def running_app(data_dir: Path, port: int, *extra: str, demo: bool = True) -> Iterator[str]:
    """`python main.py --web [--demo] --data DIR` on `port`; yields its base URL."""
    env = {**os.environ, "UNIONPASS_NO_BROWSER": "1"}
    log = (data_dir.parent / "app.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--web", *(["--demo"] if demo else []),
         "--port", str(port), "--data", str(data_dir), *extra],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def launch(p: Playwright) -> Browser:
    return p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def _local_only(route: Route) -> None:
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()


def open_phone(browser: Browser, url: str) -> Page:
    """A phone-sized page on `url` with Flutter's accessibility tree switched on."""
    page = browser.new_page(viewport=PHONE)
    page.route("**/*", _local_only)
    page.goto(url)
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=30_000)
    page.eval_on_selector("flt-semantics-placeholder", "e => e.click()")
    return page


def settle(page: Page) -> None:
    """Let the canvas paint what the DOM already shows: two animation frames, then a moment."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.wait_for_timeout(500)


def painted(png: bytes) -> bool:
    """The union-red top bar is on the canvas (not Flet's blank "Working..." screen)."""
    red, green, blue = Image.open(io.BytesIO(png)).convert("RGB").getpixel((4, 4))  # type: ignore[misc]
    return bool(red > 150 and green < 80 and blue < 80)


def screenshot(page: Page, name: str, timeout: float = 30.0) -> bytes:
    """A screenshot once the canvas has painted what the accessibility tree already shows."""
    deadline = time.monotonic() + timeout
    while True:
        settle(page)
        png: bytes = page.screenshot()
        if painted(png) or time.monotonic() > deadline:
            break
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"{name}.png").write_bytes(png)
    return png


def qr_texts(png: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def read_qr(page: Page, name: str, timeout: float = 20.0, tries: int = 3) -> str:
    """The QR text on screen, once the canvas shows a decodable code: at least `tries` looks,
    since on a busy machine one screenshot can take most of the time allowed."""
    deadline = time.monotonic() + timeout
    for attempt in range(1, 1_000):
        found = qr_texts(screenshot(page, name))
        if len(found) == 1:
            return found[0]
        if attempt >= tries and time.monotonic() > deadline:
            break
        page.wait_for_timeout(300)
    raise AssertionError(f"{name}: {len(found)} QR codes readable on screen")


# Typing and touching, as a member or a clerk would -----------------------------------------------

TYPE_WAIT = 30_000  # ms: the first field of a page may wait for the renderer


def focus(page: Page, label: str, tries: int = 5) -> None:
    """Click the text field until the browser's focus is in it: a click on a field that
    Flutter already focused (`autofocus`) now and then leaves the DOM focus on the page."""
    box = page.get_by_role("textbox", name=label)
    for attempt in range(tries):
        box.click(timeout=TYPE_WAIT)
        if attempt:  # and, as a keyboard user's Tab would, move the focus into it
            box.focus(timeout=TYPE_WAIT)
        try:
            expect(box).to_be_focused(timeout=3_000)
            return
        except AssertionError:
            page.wait_for_timeout(500)
    expect(box).to_be_focused(timeout=1_000)


def type_into(page: Page, label: str, value: str, delay: float = 40, tries: int = 4) -> None:
    """Click the field, then type (`fill` loses values in Flutter's text fields). Flutter's web
    text field sometimes drops the first keys while it takes the focus (more often on a busy
    machine): then clear it and type again, until the field holds exactly `value`."""
    box = page.get_by_role("textbox", name=label)
    focus(page, label)
    for _ in range(tries):
        page.keyboard.type(value, delay=delay)
        try:
            expect(box).to_have_value(value, timeout=3_000)
            return
        except AssertionError:
            box.click()
            page.keyboard.press("Control+a")
            page.keyboard.press("Backspace")
    expect(box).to_have_value(value, timeout=1_000)


def scroll(page: Page, dy: int) -> None:
    """Scroll like a finger would. Flutter only hit-tests what is on screen: a button below the
    fold has a node in the accessibility tree, but a click on it lands elsewhere."""
    page.mouse.move(200, 450)
    page.mouse.wheel(0, dy)
    page.wait_for_timeout(400)


def y4m(png: bytes, path: Path, frames: int = 10, width: int = 640, height: int = 480) -> None:
    """A grey-scale video of the picture centred on white: YUV4MPEG2, 4:2:0 (I420)."""
    code = Image.open(io.BytesIO(png)).convert("L")
    side = min(width, height) - 40
    code = code.resize((side, side), Image.Resampling.NEAREST)
    frame = Image.new("L", (width, height), 255)
    frame.paste(code, ((width - side) // 2, (height - side) // 2))
    luma, chroma = frame.tobytes(), b"\x80" * (width * height // 4)
    body = (b"FRAME\n" + luma + chroma + chroma) * frames
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode() + body)
