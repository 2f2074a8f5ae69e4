"""storage.engine.state: the in-memory documents and the key index, changed only by operations."""

from __future__ import annotations

import pytest

from storage.engine.state import State


def test_operations_keep_the_key_index_in_step() -> None:
    state = State("k", {"1": {"k": "a"}})
    state.apply({"op": "put", "id": "2", "doc": {"k": "b"}})
    state.apply({"op": "del", "id": "1"})
    assert state.get("a") is None
    assert state.get("b") == {"k": "b"}
    assert state.new_id() == "3"


def test_replacing_resets_documents_and_ids() -> None:
    state = State("k", {"5": {"k": "a"}})
    state.apply({"op": "replace", "docs": {"1": {"k": "z"}}})
    assert state.docs == {"1": {"k": "z"}}
    assert state.id_for("a") is None


@pytest.mark.parametrize(
    "op",
    [
        {"op": "drop"},
        {"op": "put", "id": "x", "doc": {"k": 1}},
        {"op": "put", "id": "1", "doc": [1]},
        {"op": "put", "id": "1", "doc": {"no": "key"}},
        {"op": "replace", "docs": []},
    ],
    ids=["unknown", "bad-id", "not-a-document", "no-key", "bad-table"],
)
def test_a_malformed_operation_raises(op: dict[str, object]) -> None:
    with pytest.raises((ValueError, KeyError, TypeError)):
        State("k", {}).apply(op)
