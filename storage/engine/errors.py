"""Errors a person can act on, in Chinese and English. Each names the file or folder concerned."""

from __future__ import annotations

from pathlib import Path


class StorageError(Exception):
    """Base class: `message_zh` and `message_en` are shown to the user as they are."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh}\n{message_en}")
        self.message_zh = message_zh
        self.message_en = message_en


class CorruptFileError(StorageError):
    """A data file cannot be read. Never replaced by an empty one: restore it or refuse to go on."""

    def __init__(self, path: Path, backup: Path | None, detail: str = "") -> None:
        self.path = path
        self.backup = backup if backup is not None and backup.exists() else None
        self.detail = detail
        if self.backup is not None:
            zh = (
                f"无法读取数据文件 {path}（文件已损坏）。备份 {self.backup} 仍然完好："
                "请选择“从备份恢复”。损坏的文件会被保留，不会删除。"
            )
            en = (
                f"Cannot read the data file {path} (it is damaged). A backup exists at "
                f"{self.backup}: choose “Restore from backup”. "
                "The damaged file is kept, not deleted."
            )
        else:
            zh = (
                f"无法读取数据文件 {path}（文件已损坏），也没有可用的备份。"
                "请勿删除该文件，并联系所在工会重新同步数据。"
            )
            en = (
                f"Cannot read the data file {path} (it is damaged) and no backup is available. "
                "Do not delete the file; contact your union to sync your data again."
            )
        super().__init__(zh, en)

    @property
    def collection(self) -> str:
        """The collection the file belongs to (`cards.json` and `cards.journal` → `cards`)."""
        return self.path.name.split(".", 1)[0]

    @property
    def directory(self) -> Path:
        return self.path.parent


class StoreLockedError(StorageError):
    """Another process (or another open store in this one) already writes to this folder."""

    def __init__(self, directory: Path, holder: str = "") -> None:
        self.directory = directory
        who = f"（进程 {holder}）" if holder else ""
        who_en = f" (process {holder})" if holder else ""
        super().__init__(
            f"数据目录 {directory} 正被另一个工会通程序使用{who}。"
            "请先关闭另一个窗口或程序，再重试。",
            f"The data folder {directory} is in use by another UnionPass program{who_en}. "
            "Close the other window or program and try again.",
        )


class SchemaTooNewError(StorageError):
    """The folder was written by a newer version of the app; opening it could damage it."""

    def __init__(self, directory: Path, found: int, supported: int) -> None:
        self.directory = directory
        self.found = found
        self.supported = supported
        super().__init__(
            f"数据目录 {directory} 由较新版本的工会通写入（数据版本 {found}，"
            f"本版本最高支持 {supported}）。请升级工会通后再打开。",
            f"The data folder {directory} was written by a newer version of UnionPass "
            f"(data version {found}; this version supports up to {supported}). "
            "Update UnionPass, then open it again.",
        )


class BackupMissingError(StorageError):
    """A restore was asked for, but there is nothing to restore from."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"找不到 {path} 的备份，无法恢复。请勿删除数据文件，并联系所在工会重新同步数据。",
            f"No backup of {path} was found, so it cannot be restored. Do not delete the data "
            "files; contact your union to sync your data again.",
        )
