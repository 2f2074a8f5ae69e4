"""kill -9 harness for a cadre's draft: the child (`python -m tests.cadre_kill_child DIR`) types a
work-day diary into the phone's store one character at a time, as the form saves it, printing
`ok <length>` once each save returned (= the screen may say 已保存). The parent kills it at a
random moment (tests/test_cadre_kill.py) and reopens the store."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import storage
from app.duties import Duty
from tests.cadre_phone_support import CadreDistrict, cadre_phone
from tests.fakes import Clock

TEXT = "跟班装配减速机，和班组长一起检查齿轮箱，听职工讲夜班补贴的事。"


def typed(length: int) -> str:
    """What has been typed after `length` characters."""
    return "".join(itertools.islice(itertools.cycle(TEXT), length))


def main(directory: Path) -> None:
    with storage.open_device(directory) as device:
        book = cadre_phone(device, CadreDistrict(), Clock()).book
        drafts = book.drafts()
        draft = drafts[0] if drafts else book.start(Duty.WORK_DAY)
        length = len(str(draft.current.content.get("work_done", "")))
        print(f"ready {draft.record_id}", flush=True)
        while True:
            length += 1
            book.save(draft.record_id, {"work_done": typed(length)})
            print(f"ok {length}", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
