"""Durable file primitives: fsync, atomic replace, backup links. Imports nothing of the project."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from pathlib import Path


def sync_fd(fd: int) -> None:
    """Push a file's data to the storage device before returning."""
    if sys.platform == "darwin":
        import fcntl

        fcntl.fcntl(fd, fcntl.F_FULLFSYNC)  # macOS/iOS fsync stops at the drive's cache
    elif sys.platform == "linux":
        os.fdatasync(fd)
    else:
        os.fsync(fd)


def sync_dir(directory: Path) -> None:
    """Make renames and new files in `directory` durable (where directories can be opened)."""
    if sys.platform == "win32":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_path(path: Path) -> Path:
    """The temporary sibling used while `path` is being replaced."""
    return path.with_name(path.name + ".tmp")


def write_synced(path: Path, data: bytes) -> None:
    """Create or truncate `path`, write `data` and fsync it. Not atomic on its own."""
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        sync_fd(f.fileno())


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data`: a reader sees the old file or the new one, never a mix."""
    tmp = temp_path(path)
    write_synced(tmp, data)
    os.replace(tmp, path)
    sync_dir(path.parent)


def keep_as_backup(path: Path, backup: Path) -> None:
    """Make `backup` a copy of `path` as it is now (a hard link where the file system allows)."""
    tmp = temp_path(backup)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    try:
        os.link(path, tmp)
    except OSError:
        _copy_synced(path, tmp)
    os.replace(tmp, backup)


def separate(path: Path, backup: Path) -> None:
    """If `backup` is a second name of `path` (a crash between linking and replacing can leave
    that), make it a copy of its own, so that damage to one cannot reach the other."""
    if backup.exists() and path.exists() and os.path.samefile(path, backup):
        tmp = temp_path(backup)
        _copy_synced(path, tmp)
        os.replace(tmp, backup)
        sync_dir(backup.parent)


def _copy_synced(src: Path, dst: Path) -> None:
    shutil.copyfile(src, dst)
    with open(dst, "rb+") as f:
        sync_fd(f.fileno())


def append_synced(fd: int, data: bytes) -> None:
    """Append all of `data` to an O_APPEND descriptor and fsync. On failure, cut it back off."""
    start = os.fstat(fd).st_size
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        sync_fd(fd)
    except OSError:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, start)
        raise


def truncate_synced(path: Path, size: int) -> None:
    """Cut `path` to `size` bytes and make that durable."""
    with open(path, "rb+") as f:
        f.truncate(size)
        f.flush()
        sync_fd(f.fileno())
