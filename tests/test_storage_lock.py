"""storage.engine.lock: one writer per folder, in this process or another; a dead writer's lock is
free."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from storage.engine.errors import StoreLockedError
from storage.engine.lock import DirectoryLock
from storage.engine.store import Store

HOLD = "import sys, storage; s = storage.Store.open(__import__('pathlib').Path(sys.argv[1]));"


def test_a_second_store_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    with Store.open(tmp_path), pytest.raises(StoreLockedError) as caught:
        Store.open(tmp_path)
    assert caught.value.directory == tmp_path
    assert str(os.getpid()) in caught.value.message_en


def test_the_folder_is_free_again_after_close(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    Store.open(tmp_path).close()


def test_another_process_gets_a_clear_error(tmp_path: Path) -> None:
    with Store.open(tmp_path):
        script = HOLD + "print('opened')"
        done = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True
        )
    assert done.returncode != 0
    assert "StoreLockedError" in done.stderr and "in use by another UnionPass" in done.stderr


def test_a_killed_writer_leaves_the_folder_free(tmp_path: Path) -> None:
    script = HOLD + "print('opened', flush=True); sys.stdin.read()"
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "opened"
    with pytest.raises(StoreLockedError):
        DirectoryLock.acquire(tmp_path)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.stdin is not None
    child.stdin.close()
    child.stdout.close()
    DirectoryLock.acquire(tmp_path).release()
