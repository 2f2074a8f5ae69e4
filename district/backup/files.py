"""`backup --out FILE` and `restore FILE`: a snapshot sealed into a file, and back.

The file is written next to its final name and renamed into place once complete and fsynced
(then the folder), with mode 0600: a half-written backup never carries the name of a good one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from district.backup import sealed, snapshot
from district.backup.restore import Restored, restore
from district.cards.keyring import KeyRing
from district.cards.vault import Vault
from district.errors import NotFound


@dataclass(frozen=True)
class Written:
    path: Path
    size: int
    rows: int
    tables: int
    revision: str


def write_backup(engine: Engine, out: Path, passphrase: str, now: int) -> Written:
    """Take a consistent snapshot (the server may be serving) and seal it into `out`."""
    taken = snapshot.take(engine, now)
    blob = sealed.seal(snapshot.encode(taken), passphrase)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _sync_directory(out.parent)
    return Written(out, len(blob), taken.row_count, len(taken.tables), taken.revision)


def _sync_directory(folder: Path) -> None:
    """The rename itself is durable once the folder is fsynced."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_backup(path: Path, passphrase: str) -> snapshot.Snapshot:
    """The snapshot in a backup file; refused (nothing changed) if the passphrase is wrong or
    the file is not a whole, unaltered backup."""
    if not path.is_file():
        raise NotFound(f"找不到备份文件：{path}", f"no such backup file: {path}")
    return snapshot.decode(sealed.unseal(path.read_bytes(), passphrase))


def restore_backup(engine: Engine, path: Path, passphrase: str, now: int) -> Restored:
    """Everything in the database replaced by the backup's content, in one transaction."""
    return restore(engine, read_backup(path, passphrase),
                   lambda salt: KeyRing(Vault.unlock(passphrase, salt)), now)
