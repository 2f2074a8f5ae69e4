"""kill -9 at random moments (some during compaction, some while opening): after each kill the
store opens, and holds every acknowledged save and nothing that was never saved."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.engine.store import Store
from tests.storage_kill_child import KEY, NAME, KillHarness

RUNS = 32
RUNS_PER_FOLDER = 16

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def harnesses(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[KillHarness]]:
    seed = random.randrange(2**32)
    print(f"kill test seed {seed}")
    rng = random.Random(seed)
    yield [
        KillHarness(tmp_path_factory.mktemp(f"kill{n}"), rng, min_bytes=4096, max_delay=0.2)
        for n in range(RUNS // RUNS_PER_FOLDER)
    ]


@pytest.mark.parametrize("run", range(RUNS))
def test_a_killed_writer_loses_no_acknowledged_save(run: int, harnesses: list[KillHarness]) -> None:
    result = harnesses[run // RUNS_PER_FOLDER].run_once()
    assert result.child_error == ""
    assert result.unreadable == []
    assert result.lost == []


def test_the_folders_hold_what_the_runs_saved(harnesses: list[KillHarness]) -> None:
    for harness in harnesses:
        kept = [doc for doc in harness.expected.values() if doc is not None]
        assert len(kept) > 0, Path(harness.directory)


def test_the_check_notices_a_lost_save(tmp_path: Path) -> None:
    """The harness itself is tested: a save removed behind its back is reported as lost."""
    harness = KillHarness(tmp_path, random.Random(7), max_delay=0.1)
    while not any(isinstance(k, int) and doc for k, doc in harness.expected.items()):
        assert harness.run_once().ok
    victim = min(k for k, doc in harness.expected.items() if isinstance(k, int) and doc)
    with Store.open(tmp_path) as store:
        store.collection(NAME, KEY).remove(victim)
    assert any(line.startswith(f"{victim}:") for line in harness.run_once().lost)
