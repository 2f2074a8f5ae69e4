"""Device storage for 工会通: TinyDB files made crash-safe, behind the ports of `app.ports`.

Typical use (in `main.py`):

    from storage import CorruptFileError, StorageError, default_data_dir, open_device
    device = open_device(default_data_dir())
    ...
    device.close()
"""

from storage.device import DeviceStore, default_data_dir, open_device
from storage.engine.collection import Collection, CompactionPolicy
from storage.engine.errors import (
    BackupMissingError,
    CorruptFileError,
    SchemaTooNewError,
    StorageError,
    StoreLockedError,
)
from storage.engine.recovery import restore_from_backup
from storage.engine.schema import Migration
from storage.engine.store import Store

__all__ = [
    "BackupMissingError",
    "Collection",
    "CompactionPolicy",
    "CorruptFileError",
    "DeviceStore",
    "Migration",
    "SchemaTooNewError",
    "StorageError",
    "Store",
    "StoreLockedError",
    "default_data_dir",
    "open_device",
    "restore_from_backup",
]
