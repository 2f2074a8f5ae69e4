"""A half-written diary survives the app being killed (SPEC §10: drafts saved as typed, never
lost): a child process types into a draft and is killed with SIGKILL at a random moment; the
store then opens, and the draft holds at least every save the screen could have called 已保存."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import storage
from tests.cadre_kill_child import typed
from tests.cadre_phone_support import CadreDistrict, cadre_phone
from tests.fakes import Clock

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3


def kill_while_typing(directory: Path, after: int) -> int:
    """Run the child until it acknowledged `after` more saves, kill it; the last acknowledged
    length (including acknowledgements still in the pipe)."""
    with subprocess.Popen([sys.executable, "-m", "tests.cadre_kill_child", str(directory)],
                          cwd=ROOT, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        acknowledged, seen = 0, 0
        for line in child.stdout:
            if line.startswith("ok "):
                acknowledged, seen = int(line.split()[1]), seen + 1
                if seen >= after:
                    os.kill(child.pid, signal.SIGKILL)
                    break
        rest = child.stdout.read()
        child.wait()
    for line in rest.splitlines():
        if line.startswith("ok "):
            acknowledged = int(line.split()[1])
    assert child.returncode == -signal.SIGKILL
    return acknowledged


@pytest.mark.parametrize("seed", range(RUNS))
def test_a_killed_app_loses_no_acknowledged_keystroke_of_the_draft(tmp_path: Path,
                                                                  seed: int) -> None:
    chance = random.Random(seed)
    acknowledged = 0
    for _ in range(2):  # killed, started again over the same draft, killed again
        acknowledged = kill_while_typing(tmp_path, chance.randint(5, 120))
    with storage.open_device(tmp_path) as device:
        [draft] = cadre_phone(device, CadreDistrict(), Clock()).book.drafts()
        kept = str(draft.current.content["work_done"])
    assert len(kept) >= acknowledged and kept == typed(len(kept))
