"""The record parser both ends share (`app.cadre_wire.parse_record`): whatever a phone sends, a
record or a refusal with the reason in words — never another exception; and what it takes it
keeps as sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.cadre_wire import FIELDS, LONG_TEXT, RecordRefused, WireRecord, parse_record
from app.duties import Duty
from tests.cadre_sync_support import json_values, sent_fields

TODAY = dt.date(2026, 11, 18)
JSON = json_values(st.floats())  # NaN and infinities too: Python's JSON reads them
FIELDS_SENT = sent_fields(JSON)


def _content(duty: Duty) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(FIELDS[duty]) | st.text(max_size=8), JSON,
                           max_size=5)


@given(st.text(max_size=40), FIELDS_SENT | st.dictionaries(st.text(max_size=8), JSON))
def test_anything_sent_is_a_record_or_a_refusal_in_words(record_id: str,
                                                        fields: dict[str, Any]) -> None:
    try:
        parsed = parse_record(record_id, fields, TODAY)
    except RecordRefused as refused:
        assert refused.reason and refused.zh and refused.en
    else:
        assert isinstance(parsed, WireRecord) and parsed.activity_date <= TODAY + dt.timedelta(1)


@given(st.sampled_from(list(Duty)).flatmap(lambda d: st.tuples(st.just(d), _content(d))))
def test_a_record_keeps_its_fields_as_sent(sent: tuple[Duty, dict[str, Any]]) -> None:
    duty, content = sent
    subject = "7" if duty in (Duty.NEEDY_VISIT, Duty.STUDY_MEETING) else ""
    fields = {"duty": duty.value, "subject": subject, "activity_date": "2026-11-18",
              "revision": 1, "content": content}
    try:
        parsed = parse_record("r-1", fields, TODAY)
    except RecordRefused:
        return
    assert parsed.fields() == {**fields, "content": {k: v for k, v in content.items()
                                                      if v is not None}}


def test_a_long_report_fits_and_a_longer_one_is_refused() -> None:
    fields = {"duty": "enterprise_visit", "subject": "", "activity_date": "2026-11-18",
              "revision": 1, "content": {"report": "好" * LONG_TEXT}}
    assert parse_record("r-1", fields, TODAY).content["report"] == "好" * LONG_TEXT
    fields["content"] = {"report": "好" * (LONG_TEXT + 1)}
    with pytest.raises(RecordRefused, match="20000"):
        parse_record("r-1", fields, TODAY)
