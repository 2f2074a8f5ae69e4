"""storage.engine.files: atomic replace, backups that survive the original's replacement,
appends."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from storage.engine.files import (
    append_synced,
    atomic_write,
    keep_as_backup,
    separate,
    temp_path,
    truncate_synced,
    write_synced,
)


def test_atomic_write_replaces_the_content_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    atomic_write(path, b"old")
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert not temp_path(path).exists()


def test_a_backup_keeps_the_old_content_when_the_original_is_replaced(tmp_path: Path) -> None:
    path, backup = tmp_path / "a.json", tmp_path / "a.json.bak"
    atomic_write(path, b"first")
    keep_as_backup(path, backup)
    atomic_write(path, b"second")
    assert backup.read_bytes() == b"first"
    assert path.read_bytes() == b"second"


def test_a_backup_falls_back_to_a_copy_where_links_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "links not supported")

    monkeypatch.setattr(os, "link", no_links)
    path, backup = tmp_path / "a.json", tmp_path / "a.json.bak"
    atomic_write(path, b"content")
    keep_as_backup(path, backup)
    assert backup.read_bytes() == b"content"


def test_append_adds_to_the_end(tmp_path: Path) -> None:
    path = tmp_path / "j"
    path.write_bytes(b"a\n")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        append_synced(fd, b"b\n")
    finally:
        os.close(fd)
    assert path.read_bytes() == b"a\nb\n"


def test_a_failed_append_is_cut_back_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "j"
    path.write_bytes(b"a\n")
    real_write = os.write

    def half_then_disk_full(fd: int, data: bytes) -> int:
        if len(data) > 1:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_disk_full)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        with pytest.raises(OSError):
            append_synced(fd, b"bbbbbbbb\n")
    finally:
        os.close(fd)
    assert path.read_bytes() == b"a\n"


def test_truncate_cuts_to_the_given_size(tmp_path: Path) -> None:
    path = tmp_path / "j"
    path.write_bytes(b"0123456789")
    truncate_synced(path, 4)
    assert path.read_bytes() == b"0123"


def test_a_backup_left_as_a_second_name_of_the_file_becomes_a_copy(tmp_path: Path) -> None:
    path, backup = tmp_path / "a.json", tmp_path / "a.json.bak"
    atomic_write(path, b"content")
    os.link(path, backup)
    separate(path, backup)
    assert not os.path.samefile(path, backup)
    with open(path, "r+b") as f:
        f.write(b"DAMAGE")
    assert backup.read_bytes() == b"content"


def test_files_are_written_readable_by_their_owner_only_even_over_a_looser_one(
        tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        looser = tmp_path / "left.tmp"
        looser.write_bytes(b"old")
        os.chmod(looser, 0o644)
        write_synced(looser, b"new")
        atomic_write(tmp_path / "a.json", b"new")
        keep_as_backup(tmp_path / "a.json", tmp_path / "a.json.bak")
    finally:
        os.umask(old)
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()} == {
        "left.tmp": 0o600, "a.json": 0o600, "a.json.bak": 0o600}
