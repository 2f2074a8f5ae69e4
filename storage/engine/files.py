"""Durable file primitives: fsync, atomic replace, backup links. Imports nothing of the project.

Every file made here is readable by its owner only (0600), and `private_directory` keeps a data
folder 0700: the device's key and token live in these files.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIRECTORY = 0o700
OTHERS = 0o077  # the group's and everyone else's permission bits


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


def open_private(path: Path, flags: int) -> int:
    """`os.open` for writing, creating the file 0600; a file found looser is made 0600 too."""
    fd = os.open(path, flags | os.O_CREAT | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    try:
        if hasattr(os, "fchmod") and stat.S_IMODE(os.fstat(fd).st_mode) & OTHERS:
            os.fchmod(fd, PRIVATE_FILE)
    except OSError:
        os.close(fd)
        raise
    return fd


def private_directory(directory: Path) -> list[Path]:
    """Create `directory` 0700, or take the group's and others' permissions off it and off the
    files directly in it. Returns what had to be tightened (nothing on Windows, which has no
    such bits: there the user's profile folder is private)."""
    directory.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
    if sys.platform == "win32":
        return []
    entries = [directory, *(p for p in directory.iterdir() if p.is_file() and not p.is_symlink())]
    loose = [p for p in entries if stat.S_IMODE(p.stat().st_mode) & OTHERS]
    for path in loose:
        os.chmod(path, stat.S_IMODE(path.stat().st_mode) & ~OTHERS)
    return loose


def write_synced(path: Path, data: bytes) -> None:
    """Create (0600) or truncate `path`, write `data` and fsync it. Not atomic on its own."""
    with open(open_private(path, os.O_WRONLY | os.O_TRUNC), "wb") as f:
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
    write_synced(dst, src.read_bytes())


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
