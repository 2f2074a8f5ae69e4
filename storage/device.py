"""The device's store: where it lives and the repositories the app is given."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from app.ports import (
    CardRepository,
    CatalogRepository,
    DeviceKeyStore,
    FamilyStates,
    Outbox,
    OverrideLog,
    RedemptionRepository,
    SalesLog,
    SettingsRepository,
    SyncCursor,
    TrustStore,
)
from storage import migrations, repositories, sales, sync_repositories
from storage.cadre import CadreStore, open_cadre
from storage.engine.collection import CompactionPolicy
from storage.engine.schema import Migration
from storage.engine.store import Store

ENV_DATA_DIR = "FLET_APP_STORAGE_DATA"
FALLBACK_DATA_DIR = Path("~/.local/share/unionpass")

# The device schema's migrations, oldest first: migration n takes the store to version n + 1.
DEVICE_MIGRATIONS: tuple[Migration, ...] = (
    Migration(2, "family requests ride the sync outbox", migrations.family_outbox_to_sync),
    Migration(3, "the sync cursor knows the district's generation",
              migrations.sync_mark_with_generation),
    Migration(4, "a window's sales name the person", migrations.sales_name_the_person),
)


def _nothing_to_close() -> None:
    """An in-memory device holds no files."""


@dataclass
class DeviceStore:
    keys: DeviceKeyStore
    cards: CardRepository
    catalog: CatalogRepository
    redemptions: RedemptionRepository
    trust: TrustStore
    settings: SettingsRepository
    family: FamilyStates
    outbox: Outbox
    sync_cursor: SyncCursor
    sales: SalesLog
    overrides: OverrideLog
    cadre: CadreStore  # the cadre's own namespace (SPEC §10), beside the member's
    closer: Callable[[], None] = field(default=_nothing_to_close, repr=False)

    def close(self) -> None:
        """Release the data folder (another process may then open it). Safe to call twice."""
        self.closer()

    def __enter__(self) -> DeviceStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def default_data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """`override` if given (e.g. main.py's `--data`), else `$FLET_APP_STORAGE_DATA` (set by
    Flet on a device and by `flet run`), else `~/.local/share/unionpass`."""
    chosen = override if override is not None else os.environ.get(ENV_DATA_DIR) or FALLBACK_DATA_DIR
    return Path(chosen).expanduser()


def open_device(data_dir: Path, *, policy: CompactionPolicy | None = None) -> DeviceStore:
    """Open (creating if needed) the device store in `data_dir` and check every file now.

    Raises `StoreLockedError` (another program has it open), `CorruptFileError` (a file cannot be
    read: offer `restore_from_backup`) or `SchemaTooNewError` (written by a newer app)."""
    store = Store.open(data_dir, migrations=DEVICE_MIGRATIONS, policy=policy)
    try:
        return DeviceStore(
            keys=repositories.TinyDBDeviceKeyStore(store),
            cards=repositories.TinyDBCardRepository(store),
            catalog=repositories.TinyDBCatalogRepository(store),
            redemptions=repositories.TinyDBRedemptionRepository(store),
            trust=repositories.TinyDBTrustStore(store),
            settings=repositories.TinyDBSettingsRepository(store),
            family=repositories.TinyDBFamilyStates(store),
            outbox=sync_repositories.TinyDBOutbox(store),
            sync_cursor=sync_repositories.TinyDBSyncCursor(store),
            sales=sales.TinyDBSalesLog(store),
            overrides=sales.TinyDBOverrideLog(store),
            cadre=open_cadre(store),
            closer=store.close,
        )
    except BaseException:
        store.close()
        raise

