"""Files the device keeps for people to take away (the window's day-report CSV)."""

from __future__ import annotations

from pathlib import Path

from storage.engine.files import atomic_write


class ExportWriter:
    """Keeps `name` in `directory`, atomically (temporary file, fsync, rename, fsync the folder);
    returns the path. `name` must be a plain file name."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def __call__(self, name: str, text: str) -> str:
        if "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(f"not a plain file name: {name!r}")
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / name
        atomic_write(path, text.encode("utf-8"))
        return str(path)
