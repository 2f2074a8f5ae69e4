"""storage.engine.errors: every message says, in Chinese and in English, what happened and what to
do."""

from __future__ import annotations

from pathlib import Path

from storage.engine.errors import CorruptFileError, StorageError, StoreLockedError


def test_a_damaged_file_message_names_the_file_and_its_backup(tmp_path: Path) -> None:
    backup = tmp_path / "cards.json.bak"
    backup.write_text("{}")
    error = CorruptFileError(tmp_path / "cards.json", backup)
    for message in (error.message_zh, error.message_en):
        assert str(tmp_path / "cards.json") in message and str(backup) in message
    assert "从备份恢复" in error.message_zh and "Restore from backup" in error.message_en
    assert (error.directory, error.collection) == (tmp_path, "cards")


def test_without_a_backup_the_message_says_so(tmp_path: Path) -> None:
    error = CorruptFileError(tmp_path / "cards.journal", tmp_path / "missing.bak")
    assert error.backup is None
    assert "没有可用的备份" in error.message_zh and "no backup" in error.message_en
    assert error.collection == "cards"


def test_str_shows_both_languages(tmp_path: Path) -> None:
    error: StorageError = StoreLockedError(tmp_path, "4242")
    assert str(error) == f"{error.message_zh}\n{error.message_en}"
    assert "4242" in error.message_zh and "4242" in error.message_en
