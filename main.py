"""UnionPass 工会通 — the app's entry: opens the device store, builds the services, runs Flet.

    python main.py [--web] [--port N] [--host 127.0.0.1] [--data DIR] [--demo] [--server URL]

`--web` serves the app to a browser (offline: the renderer comes from the flet-web wheel).
`UNIONPASS_NO_BROWSER=1` serves without opening a browser window (tests, servers).
`UNIONPASS_SYNC_PROBE=N` probes an unreachable district every N seconds (default 15).
Nothing happens at import time.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import flet as ft

import storage
from app.activation import Activation
from app.cadre_book import RecordBook
from app.cadre_enroll import CadreEnroller, CadreEnrollment, CadreKeep
from app.cadre_pulled import CadreApplier, CadreFacts
from app.cadre_station import CadreStation
from app.catalog import Catalog
from app.demo import provision_demo
from app.district_access import access_of
from app.family import FamilyCards
from app.models import DEFAULT_SERVER_URL
from app.ports import Clock, DistrictClient, SettingsRepository, SyncTransport
from app.savings import Savings
from app.sync import SyncEngine, SyncEvent
from app.sync_apply import PhoneApplier
from app.sync_keeper import PROBE, TICK, SyncKeeper
from app.wallet import Wallet
from app.window_enroll import WindowEnroller, WindowEnrollment
from app.window_station import WindowParts, WindowStation
from remote.district_http import HttpDistrictClient
from remote.sync_http import HttpSyncTransport
from storage import CorruptFileError, DeviceStore, StorageError
from views import MemberServices, mount

ASSETS_DIR = Path(__file__).resolve().parent / "assets"


class HttpClient(DistrictClient, WindowEnroller, CadreEnroller, Protocol):
    """The district's member, window and cadre APIs (`remote.district_http.HttpDistrictClient`)."""


PROBE_ENV = "UNIONPASS_SYNC_PROBE"  # seconds between probes while the district is away


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="unionpass", description="工会通 UnionPass")
    parser.add_argument("--web", action="store_true", help="serve the app to a web browser")
    parser.add_argument("--port", type=int, default=0, help="web port (default: a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="web host (default 127.0.0.1)")
    parser.add_argument("--data", type=Path, help="data directory (default: the device's)")
    parser.add_argument("--demo", action="store_true",
                        help="put a demo member's cards on a device that has none")
    parser.add_argument("--server", metavar="URL",
                        help="the district server (default: the one saved at activation, "
                        f"else {DEFAULT_SERVER_URL})")
    parser.add_argument("--restore-backup", action="store_true",
                        help="rebuild a damaged data file from its backup, then start")
    return parser.parse_args(argv)


def build_services(device: DeviceStore, clock: Clock, client: HttpClient | None = None,
                   server: str | None = None, transport: SyncTransport | None = None
                   ) -> MemberServices:
    """The device's services over its store: a member's phone, or a scenic spot's window once
    enrolled; `client` reaches the district (httpx)."""
    client = client or HttpDistrictClient()
    wallet = Wallet(device.keys, device.cards, clock)
    engine = sync_engine(device, wallet, clock, transport)
    family = FamilyCards(client, engine, device.family, device.cards, device.settings)

    def activated(other_person: bool) -> None:
        if other_person:
            family.forget()
        engine.restart(other_person=other_person)

    activation = Activation(client, wallet, device.cards, device.trust, device.settings, clock,
                            on_activated=activated)
    activation.server_override = server
    catalog = Catalog(device.catalog)
    return MemberServices(
        wallet=wallet,
        catalog=catalog,
        savings=Savings(device.redemptions, clock),
        activation=activation,
        family=family,
        sync=engine,
        window=window_station(device, wallet, catalog, engine, client, clock,
                              activation.server_url()),
        cadre=cadre_station(device, client, clock, activation.server_url(), transport),
    )


def window_station(device: DeviceStore, wallet: Wallet, catalog: Catalog, engine: SyncEngine,
                   client: WindowEnroller, clock: Clock, server_url: str) -> WindowStation:
    """The window role over the same store: enrollment, the desk, the day report."""
    enrollment = WindowEnrollment(client, wallet, device.trust, device.settings,
                                  on_enrolled=lambda: engine.restart(other_person=False))
    parts = WindowParts(device.trust, catalog, device.sales, device.overrides, engine, clock)
    station = WindowStation(enrollment, parts, server_url)

    def heard(event: SyncEvent) -> None:
        if event == "synced":
            station.synced()

    engine.subscribe(heard)
    return station


def cadre_station(device: DeviceStore, client: CadreEnroller, clock: Clock, server_url: str,
                  transport: SyncTransport | None = None) -> CadreStation:
    """The cadre's side of the phone (SPEC §10): its own key, settings, outbox and cursor in
    the store's cadre namespace, and its own sync engine (started by `run` beside the
    member's)."""
    keep = device.cadre
    facts = CadreFacts(keep.pulled)
    engine = SyncEngine(transport or HttpSyncTransport(), keep.outbox, keep.cursor,
                        CadreApplier(keep.pulled), lambda: access_of(keep.settings.load()),
                        clock)
    enrollment = CadreEnrollment(client, CadreKeep(keep.keys, keep.settings, keep.trust),
                                 on_enrolled=lambda other: engine.restart(other_person=other))
    return CadreStation(enrollment, RecordBook(keep.revisions, facts, engine, clock), facts,
                        engine, server_url, clock)


def sync_engine(device: DeviceStore, wallet: Wallet, clock: Clock,
                transport: SyncTransport | None = None) -> SyncEngine:
    """The sync engine over the device's outbox and cursor (SPEC §6); httpx by default."""
    applier = PhoneApplier(wallet, device.cards, device.catalog, device.redemptions,
                           device.trust, device.family, clock, device.settings)
    return SyncEngine(transport or HttpSyncTransport(), device.outbox, device.sync_cursor,
                      applier, lambda: access_of(device.settings.load()), clock)


def language_saver(settings: SettingsRepository) -> Callable[[str], None]:
    def save(language: str) -> None:
        settings.save(dataclasses.replace(settings.load(), language=language))

    return save


def elder_saver(settings: SettingsRepository) -> Callable[[bool], None]:
    def save(elder: bool) -> None:
        settings.save(dataclasses.replace(settings.load(), elder_mode=elder))

    return save


def flet_main(device: DeviceStore, services: MemberServices) -> Callable[[ft.Page], None]:
    """The per-session entry Flet calls for every page (browser tab or app window)."""

    def on_page(page: ft.Page) -> None:
        saved = device.settings.load()
        mount(page, services, language=saved.language,
              save_language=language_saver(device.settings), elder=saved.elder_mode,
              save_elder=elder_saver(device.settings))

    return on_page


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def start_sync(engine: SyncEngine, clock: Clock) -> Callable[[], None]:
    """Sync in a background thread of its own (never on the UI loop): on start, after every
    save, periodically, when a probe finds the district again, and — through a long poll in a
    second thread — as soon as the district has news for this device. Returns the stop: it lets a
    sync under way finish (network timeouts bound it) before the store is closed."""
    stop = threading.Event()
    keeper = SyncKeeper(engine, clock, probe_every=float(os.environ.get(PROBE_ENV) or PROBE))
    unsubscribe = engine.subscribe(keeper.wake)
    tick = min(TICK, keeper.probe_every)
    thread = threading.Thread(target=keeper.run, args=(stop, tick), name="sync", daemon=True)
    watcher = threading.Thread(target=keeper.watch, args=(stop,), name="sync-wait", daemon=True)
    thread.start()
    watcher.start()

    def stopper() -> None:
        unsubscribe()
        stop.set()
        keeper.wake()
        thread.join(timeout=30)  # the watcher's long poll is not waited for: a daemon thread

    return stopper


def run(device: DeviceStore, args: argparse.Namespace) -> None:
    services = build_services(device, time.time, server=args.server)
    stop_sync = start_all_sync(services, time.time)
    try:
        serve(flet_main(device, services), args)
    finally:
        stop_sync()


def start_all_sync(services: MemberServices, clock: Clock) -> Callable[[], None]:
    """The member's sync and the cadre's, each in threads of its own (`start_sync`); returns
    the stop of both."""
    engines = [e for e in (services.sync, services.cadre.sync if services.cadre else None)
               if isinstance(e, SyncEngine)]
    stops = [start_sync(engine, clock) for engine in engines]

    def stopper() -> None:
        for stop in stops:
            stop()

    return stopper


def serve(app: Callable[[ft.Page], None], args: argparse.Namespace) -> None:
    if not args.web:
        ft.run(app, assets_dir=str(ASSETS_DIR))
        return
    if os.environ.get("UNIONPASS_NO_BROWSER") == "1":
        # Flet opens a browser for WEB_BROWSER unless it is forced to be a plain web server.
        os.environ["FLET_FORCE_WEB_SERVER"] = "1"
    port = args.port or free_port(args.host)
    print(f"UnionPass 工会通: http://{args.host}:{port}/card", flush=True)
    ft.run(app, view=ft.AppView.WEB_BROWSER, host=args.host, port=port, no_cdn=True,
           assets_dir=str(ASSETS_DIR))


def open_store(data_dir: Path, *, restore: bool) -> DeviceStore:
    """Open the device store; with `restore`, rebuild each damaged collection from its backup
    (every acknowledged save comes back; the damaged file is kept beside it)."""
    restored: set[str] = set()
    while True:
        try:
            return storage.open_device(data_dir)
        except CorruptFileError as exc:
            if not restore or exc.collection in restored:
                raise
            storage.restore_from_backup(exc.directory, exc.collection)
            restored.add(exc.collection)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir = storage.default_data_dir(args.data)
    try:
        device = open_store(data_dir, restore=args.restore_backup)
    except StorageError as exc:
        print(f"工会通 cannot open its data in {data_dir}: {exc}", file=sys.stderr)
        if isinstance(exc, CorruptFileError) and exc.backup is not None:
            print("从备份恢复 / to restore from the backup: python main.py --restore-backup "
                  f"--data {data_dir}", file=sys.stderr)
        return 2
    try:
        if args.demo:
            provision_demo(device.keys, device.cards, device.catalog, device.trust, time.time)
        run(device, args)
    finally:
        device.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
