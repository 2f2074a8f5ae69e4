"""App start → card visible in Chromium, with a cold and a warm browser cache (issue 11.9).

    .venv/bin/python bench/startup.py [--runs 3]

Each launch starts a fresh app process and opens its page in Debian's Chromium (phone size):
spawn → the web server listens → `goto` → Flutter's engine is up (its semantics placeholder) →
the card is in view: the member's name and the QR's label are in the accessibility tree (which
Flutter writes from the frame it paints) and the name is drawn in our font — its three
characters look different on screen (until the font is loaded they are three equal boxes).
Cold: a browser with a new, empty profile (no HTTP cache). Warm: the same profile (its disk
cache holds what the cold launch fetched) and the same port again, with a new app process.

The baseline, measured in the same run, is a minimal Flet app (one Text) served the same way:
what the Flutter web engine and Flet cost before any of our code. Ours is `main.py --web` on a
phone with the demo member's cards, activated against a district that

- refuses (nothing listens on its port), or
- hangs (accepts the connection and never answers): the start-up sync is stuck in it, so a card
  that waited for the sync would come ≥ 10 s later (the sync's read timeout).

Prints each phase's median and the ratios ours ÷ baseline; from the page's own resource timing,
when the engine's code (main.dart.wasm, skwasm.wasm) and our font had arrived and the bytes
transferred; the largest downloads of a cold load; and whether the hung district still held
the app's connection when the card showed.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from playwright.sync_api import BrowserContext, BrowserType, Page, sync_playwright

import storage
from app.demo import provision_demo
from app.district_access import TOKEN

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# No request leaves the machine: every host but loopback fails to resolve. (Playwright's
# request routing would do it too, but routing switches the HTTP cache off, and the warm
# launches measure that cache.)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
PHONE = {"width": 412, "height": 915}
WAIT = 60_000  # ms
FONT = "NotoSansSC"
BLANK_APP = '''
import os, sys
import flet as ft

def main(page: ft.Page) -> None:
    page.add(ft.Text("ready"))

os.environ["FLET_FORCE_WEB_SERVER"] = "1"
ft.run(main, view=ft.AppView.WEB_BROWSER, host="127.0.0.1", port=int(sys.argv[1]), no_cdn=True)
'''


class HungDistrict:
    """A district on loopback that accepts connections and never answers; counts them."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        self.open = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._hold, args=(conn,), daemon=True).start()

    def _hold(self, conn: socket.socket) -> None:
        with self._lock:
            self.open += 1
        with conn:
            while conn.recv(4096):  # read the request, answer nothing, until the app gives up
                pass
        with self._lock:
            self.open -= 1

    def close(self) -> None:
        self._server.close()


@dataclass
class Launch:
    listen: float  # spawn → the web server accepts
    engine: float  # goto → Flutter's engine is up
    card: float  # goto → the card is in view
    total: float  # spawn → the card is in view
    engine_code: float  # navigation start → the engine's code has arrived (resource timing)
    font: float | None  # navigation start → our CJK font has arrived (None: no such font)
    shown: float  # navigation start → the card is in view (the page's clock)
    fetched: int  # bytes transferred (0 for what came from the cache)
    held: int | None = None  # the hung district's open connections when the card showed


@dataclass
class Variant:
    name: str
    command: list[str]
    visible: list[str]  # texts (and "img:" labels) whose nodes mean "the card is in view"
    drawn: str = ""  # a text that must be drawn with its own glyphs, not boxes
    district: HungDistrict | None = None
    cold: list[Launch] = field(default_factory=list)
    warm: list[Launch] = field(default_factory=list)
    downloads: list[tuple[int, str]] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    while True:
        if proc.poll() is not None:
            error = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"the app exited with {proc.returncode}: {error[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.01)


@contextmanager
def process(command: list[str], port: int) -> Iterator[tuple[float, float]]:
    """Start the app on `port`; yields (spawn time, listen time) and stops it afterwards."""
    env = {**os.environ, "UNIONPASS_NO_BROWSER": "1"}
    spawned = time.perf_counter()
    proc = subprocess.Popen([*command, str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        wait_for_port(port, proc)
        yield spawned, time.perf_counter()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


TIMELINE = """() => ({now: performance.now(), resources: performance.getEntriesByType("resource")
    .map(e => [e.name, e.responseEnd, e.transferSize, e.encodedBodySize])})"""
ENGINE_CODE = ("main.dart.wasm", "main.dart.js", "skwasm.wasm", "canvaskit.wasm")


def drawn(page: Page, text: str) -> None:
    """Wait until `text` is drawn with real glyphs: its characters' cells on screen differ (a
    font that has not loaded yet draws each as the same box)."""
    box = page.get_by_text(text, exact=True).first.bounding_box()
    assert box is not None
    deadline = time.monotonic() + WAIT / 1000
    while time.monotonic() < deadline:
        shot = Image.open(io.BytesIO(page.screenshot(clip=box))).convert("L")
        width = shot.width // len(text)
        cells = {shot.crop((i * width, 0, (i + 1) * width, shot.height)).tobytes()
                 for i in range(len(text))}
        if len(cells) == len(text):
            return
    raise TimeoutError(f"{text} was never drawn with its glyphs")


def open_page(context: BrowserContext, url: str) -> tuple[Page, float, float]:
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=WAIT)
    engine = time.perf_counter()
    page.eval_on_selector("flt-semantics-placeholder", "e => e.click()")
    return page, started, engine


def launch(variant: Variant, context: BrowserContext, port: int, record: bool) -> Launch:
    with process(variant.command, port) as (spawned, listening):
        page, started, engine = open_page(context, f"http://127.0.0.1:{port}/")
        for text in variant.visible:
            found = (page.get_by_role("img", name=text.removeprefix("img:"))
                     if text.startswith("img:") else page.get_by_text(text, exact=True))
            found.first.wait_for(timeout=WAIT)
        if variant.drawn:
            drawn(page, variant.drawn)
        shown = time.perf_counter()
        held = variant.district.open if variant.district is not None else None
        timeline = page.evaluate(TIMELINE)
        page.close()
    resources = [(str(n), float(end), int(sent), int(size))
                 for n, end, sent, size in timeline["resources"]]
    if record:
        variant.downloads = [(size, name.split("/", 3)[-1]) for name, _, _, size in resources]
    code = [end for name, end, _, _ in resources if name.endswith(ENGINE_CODE)]
    font = [end for name, end, _, _ in resources if FONT in name]
    return Launch(listening - spawned, engine - started, shown - started, shown - spawned,
                  max(code) / 1000, max(font) / 1000 if font else None,
                  float(timeline["now"]) / 1000, sum(sent for _, _, sent, _ in resources), held)


def member_phone(folder: Path, server_url: str) -> Path:
    """A phone with the demo member's cards, activated against `server_url`."""
    device = storage.open_device(folder)
    try:
        provision_demo(device.keys, device.cards, device.catalog, device.trust, time.time)
        settings = device.settings.load()
        device.settings.save(dataclasses.replace(
            settings, server_url=server_url, extra={**settings.extra, TOKEN: "bench-token"}))
    finally:
        device.close()
    return folder


def variants(folder: Path, hung: HungDistrict) -> list[Variant]:
    blank = folder / "blank.py"
    blank.write_text(BLANK_APP, encoding="utf-8")
    app = [sys.executable, str(ROOT / "main.py"), "--web", "--port"]
    refused_at = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    return [
        Variant("baseline: minimal Flet app", [sys.executable, str(blank)], ["ready"]),
        Variant("ours, district refuses", [*app[:-1], "--data",
                                           str(member_phone(folder / "a", refused_at)),
                                           "--port"], ["陈建国", "img:会员证二维码"], "陈建国"),
        Variant("ours, district hangs", [*app[:-1], "--data",
                                         str(member_phone(folder / "b", hung.url)), "--port"],
                ["陈建国", "img:会员证二维码"], "陈建国", hung),
    ]


def measure(chromium: BrowserType, folder: Path, variant: Variant, runs: int) -> None:
    port = free_port()  # one origin for the variant: the warm launch finds its cache
    for run in range(runs):
        # A profile on disk, as a real browser has: Playwright's default contexts keep their
        # cache in memory and drop files of several MB, so "warm" would fetch them again.
        with tempfile.TemporaryDirectory(dir=folder) as profile:
            context = chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=ARGS,
                viewport=PHONE)  # type: ignore[arg-type]
            try:
                variant.cold.append(launch(variant, context, port, record=run == 0))
                variant.warm.append(launch(variant, context, port, record=False))
            finally:
                context.close()


def median(launches: list[Launch], phase: str) -> float:
    return statistics.median(float(getattr(launch, phase)) for launch in launches)


def report(measured: list[Variant]) -> None:
    base = measured[0]
    print("medians, seconds: spawn → listening; goto → engine up; goto → card; spawn → card\n"
          "(÷ base: the total against the baseline's); in the page's clock: engine code, our\n"
          "font and the card arrived; MB transferred\n")
    print(f"{'':32} {'cache':5} {'listen':>7} {'engine':>7} {'card':>7} {'total':>7} "
          f"{'÷ base':>7} {'code@':>7} {'font@':>7} {'card@':>7} {'MB':>6}")
    for variant in measured:
        for cache, launches, base_launches in (("cold", variant.cold, base.cold),
                                               ("warm", variant.warm, base.warm)):
            figures = [median(launches, p) for p in ("listen", "engine", "card", "total")]
            ratio = figures[3] / median(base_launches, "total")
            fonts = [launch.font for launch in launches if launch.font is not None]
            font = f"{statistics.median(fonts):6.2f}s" if fonts else f"{'-':>7}"
            print(f"{variant.name:32} {cache:5} " + " ".join(f"{f:6.2f}s" for f in figures)
                  + f" {ratio:6.2f}× {median(launches, 'engine_code'):6.2f}s {font} "
                  f"{median(launches, 'shown'):6.2f}s {median(launches, 'fetched') / 1e6:6.1f}")
    for variant in measured:
        top = sorted(variant.downloads, reverse=True)[:5]
        total = sum(size for size, _ in variant.downloads)
        print(f"\n{variant.name}: {len(variant.downloads)} requests, {total / 1e6:.1f} MB "
              "on a cold load; largest:")
        for size, path in top:
            print(f"  {size / 1e6:6.2f} MB  {path}")
    hung = measured[-1]
    held = [launch.held for launch in hung.cold + hung.warm]
    print(f"\n{hung.name}: connections the app held open in the hung district when the card "
          f"showed: {held} (> 0: the sync was still waiting, the card was not)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    hung = HungDistrict()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        try:
            measured = variants(Path(tmp), hung)
            for variant in measured:
                measure(p.chromium, Path(tmp), variant, args.runs)
        finally:
            hung.close()
    report(measured)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
