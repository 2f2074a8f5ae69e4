"""Where the key passphrase comes from, kept apart from the data it unlocks.

In order: UNIONPASS_KEY_PASSPHRASE; else the passphrase file (`--key-passphrase-file`,
UNIONPASS_KEY_PASSPHRASE_FILE, by default `~/.config/unionpass/key-passphrase`), which `init`
generates with mode 0600. A passphrase file inside the data directory, or one that other users
can read, is refused: with it, a copy of the data directory would open every private key.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from district.errors import KeyLocked
from district.settings import PASSPHRASE_ENV, PASSPHRASE_FILE, PASSPHRASE_FILE_ENV, Settings


def read_passphrase(settings: Settings) -> str:
    """The passphrase from the settings (environment) or the passphrase file."""
    if settings.passphrase:
        return settings.passphrase
    path = _outside_the_data(settings)
    if not path.exists():
        raise _missing(settings, path)
    _readable_by_owner_only(path)
    text = path.read_text(encoding="utf-8").strip()
    if not text:
        raise KeyLocked(f"密钥口令文件是空的：{path}", f"the key passphrase file is empty: {path}")
    return text


def ensure_passphrase(settings: Settings) -> str:
    """At `init`: the configured passphrase, or a new random one written with mode 0600."""
    if settings.passphrase:
        return settings.passphrase
    path = _outside_the_data(settings)
    if path.exists() or (settings.data_dir / PASSPHRASE_FILE).exists():
        return read_passphrase(settings)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    passphrase = secrets.token_urlsafe(32)
    if not _create(path, passphrase + "\n"):  # another `init` wrote it first
        return read_passphrase(settings)
    return passphrase


def _create(path: Path, text: str) -> bool:
    """Write a new file at `path` whole or not at all (a reader never sees it half-written);
    False if `path` already exists."""
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(draft, path)
        return True
    except FileExistsError:
        return False
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(draft)


def _outside_the_data(settings: Settings) -> Path:
    path = settings.passphrase_file.expanduser().resolve()
    if path.is_relative_to(settings.data_dir.resolve()):
        raise KeyLocked(
            f"密钥口令文件不能放在数据目录里：{path}。请把它移到数据目录以外，"
            f"并用 {PASSPHRASE_FILE_ENV} 或 --key-passphrase-file 指明",
            f"the key passphrase file must not be inside the data directory: {path}. Move it "
            f"out and name it with {PASSPHRASE_FILE_ENV} or --key-passphrase-file, so that a "
            "copy of the data cannot open the private keys")
    return path


def _missing(settings: Settings, path: Path) -> KeyLocked:
    old = settings.data_dir / PASSPHRASE_FILE
    if old.exists():
        return KeyLocked(
            f"密钥口令文件还在数据目录里（{old}）：口令不能和数据放在一起，请把它移到 {path}",
            f"the key passphrase file is still inside the data directory ({old}): the "
            f"passphrase must not sit with the data, move it to {path}")
    return KeyLocked(
        f"未设置密钥口令：请设置 {PASSPHRASE_ENV}，或把口令文件放在 {path}，或先运行 init",
        f"no key passphrase: set {PASSPHRASE_ENV}, put the passphrase file at {path}, "
        "or run init")


def _readable_by_owner_only(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if os.name == "posix" and mode & 0o077:
        raise KeyLocked(
            f"密钥口令文件 {path} 其他用户也能读取（权限 {mode:04o}）：请运行 chmod 600 {path}",
            f"the key passphrase file {path} can be read by other users (mode {mode:04o}): "
            f"run chmod 600 {path}")
