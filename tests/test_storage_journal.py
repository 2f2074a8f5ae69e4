"""storage.engine.journal: acknowledged lines survive; a torn tail is dropped; damage is
reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.engine.errors import CorruptFileError
from storage.engine.journal import (
    JournalWriter,
    Op,
    create_journal,
    encode_op,
    journal_base,
    read_journal,
)

PUT: Op = {"op": "put", "id": "1", "doc": {"k": 1, "text": "会员"}}
DEL: Op = {"op": "del", "id": "1"}


def journal_with(tmp_path: Path, *ops: Op) -> Path:
    path = tmp_path / "r.journal"
    create_journal(path, 4)
    writer = JournalWriter(path)
    for op in ops:
        writer.append(encode_op(op))
    writer.close()
    return path


def test_appended_operations_read_back_after_the_header(tmp_path: Path) -> None:
    contents = read_journal(journal_with(tmp_path, PUT, DEL))
    assert (contents.base, contents.ops) == (4, [PUT, DEL])
    assert journal_base(tmp_path / "r.journal") == 4


def test_a_torn_last_line_is_ignored_and_cut_off_on_resume(tmp_path: Path) -> None:
    path = journal_with(tmp_path, PUT)
    whole = path.stat().st_size
    with open(path, "ab") as f:
        f.write(encode_op(DEL)[:-3])
    contents = read_journal(path)
    assert contents.ops == [PUT]
    JournalWriter.resume(path, contents).close()
    assert path.stat().st_size == whole


def test_a_save_after_a_torn_line_is_not_glued_to_it(tmp_path: Path) -> None:
    """Regression: appending after an unacknowledged tail must not damage the next line."""
    path = journal_with(tmp_path, PUT)
    with open(path, "ab") as f:
        f.write(b'{"op":"pu')
    writer = JournalWriter.resume(path, read_journal(path))
    writer.append(encode_op(DEL))
    writer.close()
    assert read_journal(path).ops == [PUT, DEL]


def test_a_complete_but_garbled_last_line_counts_as_torn(tmp_path: Path) -> None:
    path = journal_with(tmp_path, PUT)
    with open(path, "ab") as f:
        f.write(b"\x00\x00\x00\n")
    assert read_journal(path).ops == [PUT]


def test_damage_before_good_lines_is_reported_naming_the_file(tmp_path: Path) -> None:
    path = journal_with(tmp_path, PUT, DEL)
    data = path.read_bytes()
    header_end = data.index(b"\n") + 1
    path.write_bytes(data[:header_end] + b"garbage\n" + data[header_end:])
    with pytest.raises(CorruptFileError) as caught:
        read_journal(path)
    assert caught.value.path == path


def test_lenient_reading_keeps_what_comes_before_the_damage(tmp_path: Path) -> None:
    path = journal_with(tmp_path, PUT)
    with open(path, "ab") as f:
        f.write(b"garbage\n" + encode_op(DEL))
    assert read_journal(path, lenient=True).ops == [PUT]


def test_a_journal_without_header_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "r.journal"
    path.write_bytes(encode_op(PUT))
    with pytest.raises(CorruptFileError):
        read_journal(path)
    assert journal_base(path) is None
