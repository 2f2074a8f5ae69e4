"""kill -9 harness. The child (`python -m tests.storage_kill_child DIR`) saves in a loop, printing
`try <op> <key>` before each save and `ok` once it returned (= acknowledged); the parent
(`KillHarness`) kills it at a random moment, reopens the store and checks that it is readable and
holds every acknowledged save. Used by tests/test_storage_kill.py and bench/kill_runs.py."""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.engine.collection import Collection, CollectionFiles, CompactionPolicy
from storage.engine.errors import CorruptFileError
from storage.engine.journal import journal_base
from storage.engine.snapshot import read_snapshot
from storage.engine.store import Store

NAME, KEY, COUNTER = "records", "k", "counter"


def record(i: int) -> dict[str, Any]:
    """About 200 bytes with Chinese text, like a real sale or record."""
    text = f"会员{i:06d}在启园优惠窗口购买门票：会员价5.1折，原价78.00元，实付39.78元。"
    return {KEY: i, "v": i, "text": text}


def child(directory: Path, min_bytes: int) -> None:
    policy = CompactionPolicy(min_bytes=min_bytes, ratio=0.0)
    with Store.open(directory, policy=policy) as store:
        records = store.collection(NAME, KEY)
        i = max((k for d in records.all() if isinstance(k := d[KEY], int)), default=0)
        print("ready", flush=True)
        while True:
            i += 1
            _step(records, i)


def _step(records: Collection, i: int) -> None:
    print(f"try put {i} {i}", flush=True)
    records.put(record(i))
    print("ok", flush=True)
    if i % 7 == 0:
        print(f"try put {COUNTER} {i}", flush=True)
        records.put({KEY: COUNTER, "v": i})
        print("ok", flush=True)
    if i % 11 == 0:
        print(f"try del {i - 5} 0", flush=True)
        records.remove(i - 5)
        print("ok", flush=True)


@dataclass
class KillRun:
    acked: int
    unreadable: list[str]
    lost: list[str]
    during_compaction: bool
    child_error: str = ""

    @property
    def ok(self) -> bool:
        return not (self.unreadable or self.lost or self.child_error)


@dataclass
class KillHarness:
    """Kills children one after another on the same folder, keeping the model of what must be
    there: `expected[key]` is the last acknowledged document (None once deleted)."""

    directory: Path
    rng: random.Random
    min_bytes: int = 4096
    max_delay: float = 0.25
    expected: dict[Hashable, dict[str, Any] | None] = field(default_factory=dict)

    def run_once(self) -> KillRun:
        lines, child_error = self._kill_child()
        in_flight = self._learn(lines)
        acked, during = lines.count("ok"), _mid_compaction(CollectionFiles(self.directory, NAME))
        try:
            store = Store.open(self.directory)
        except CorruptFileError as e:
            return KillRun(acked, [str(e)], [], during, child_error)
        with store:
            lost = self._check(store.collection(NAME, KEY), in_flight)
        return KillRun(acked, [], lost, during, child_error)

    def _kill_child(self) -> tuple[list[str], str]:
        """Start a child, kill it at a random moment; its output lines and, if it died on its
        own, its error output."""
        cmd = [sys.executable, "-m", "tests.storage_kill_child", str(self.directory)]
        cmd += ["--min-bytes", str(self.min_bytes)]
        with (
            tempfile.TemporaryFile() as err,
            subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, encoding="utf-8") as proc,
        ):
            lines: list[str] = []
            ready = threading.Event()
            reader = threading.Thread(target=_read, args=(proc.stdout, lines, ready), daemon=True)
            reader.start()
            if self.rng.random() < 0.9:  # one run in ten is killed while opening or recovering
                ready.wait(timeout=10)
            time.sleep(self.rng.uniform(0, self.max_delay))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            reader.join()
            err.seek(0)
            failed = proc.returncode != -signal.SIGKILL
            return lines, err.read().decode("utf-8", "replace") if failed else ""

    def _learn(self, lines: list[str]) -> Hashable | None:
        """Update the model with acknowledged saves; return the key of the unacknowledged one."""
        pending: tuple[Hashable, dict[str, Any] | None] | None = None
        for line in lines:
            if line.startswith("try "):
                op, key, value = line.split()[1:]
                pending = _expected(op, key, int(value))
            elif line == "ok" and pending is not None:
                self.expected[pending[0]] = pending[1]
                pending = None
        return None if pending is None else pending[0]

    def _check(self, records: Collection, in_flight: Hashable | None) -> list[str]:
        lost = [
            f"{key}: expected {want}, found {records.get(key)}"
            for key, want in self.expected.items()
            if key != in_flight and records.get(key) != want
        ]
        extra = {d[KEY] for d in records.all()} - set(self.expected) - {in_flight}
        lost += [f"{key}: present but never saved" for key in extra]
        if in_flight is not None:  # now on disk (or not): either way it must stay so
            self.expected[in_flight] = records.get(in_flight)
        return lost


def _expected(op: str, key: str, value: int) -> tuple[Hashable, dict[str, Any] | None]:
    """What a `try` line will leave under its key once acknowledged."""
    if op == "del":
        return int(key), None
    return (COUNTER, {KEY: COUNTER, "v": value}) if key == COUNTER else (value, record(value))


def _read(stream: Any, lines: list[str], ready: threading.Event) -> None:
    for line in stream:
        text = line.strip()
        if text == "ready":
            ready.set()
        elif text:
            lines.append(text)
    ready.set()


def _mid_compaction(files: CollectionFiles) -> bool:
    """Whether the kill left a compaction unfinished (a temporary file, or a journal that
    does not yet follow the newest snapshot)."""
    if any(p.name.endswith(".tmp") for p in files.directory.iterdir()):
        return True
    try:
        return journal_base(files.journal) != read_snapshot(files.snapshot).generation
    except (OSError, CorruptFileError):
        return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--min-bytes", type=int, default=4096)
    args = parser.parse_args()
    child(args.directory, args.min_bytes)


if __name__ == "__main__":
    main()
