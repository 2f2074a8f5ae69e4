"""One writer per data folder: an exclusive, non-blocking lock on `<folder>/.lock`.

The operating system drops the lock when the process dies (even by kill -9), so a crash never
leaves a folder locked. On Linux and macOS the lock also refuses a second open in the same process.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from storage.engine.errors import StoreLockedError
from storage.engine.files import PRIVATE_DIRECTORY, open_private

LOCK_NAME = ".lock"


class DirectoryLock:
    def __init__(self, directory: Path, fd: int) -> None:
        self.directory = directory
        self._fd = fd

    @classmethod
    def acquire(cls, directory: Path) -> DirectoryLock:
        """Lock `directory` (created 0700 if missing) or raise `StoreLockedError` at once."""
        directory.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
        fd = open_private(directory / LOCK_NAME, os.O_RDWR)
        try:
            _lock(fd)
        except OSError as e:
            holder = _read_holder(fd)
            os.close(fd)
            raise StoreLockedError(directory, holder) from e
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, str(os.getpid()).encode())
        return cls(directory, fd)

    @property
    def held(self) -> bool:
        return self._fd >= 0

    def release(self) -> None:
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                _unlock(self._fd)
            os.close(self._fd)
            self._fd = -1


def _read_holder(fd: int) -> str:
    with contextlib.suppress(OSError):
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 32).decode("ascii", "replace").strip()
    return ""


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
