"""The message catalogue: every key in zh and en, and every key the views use exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from app.i18n import LANGUAGES, MESSAGES, normalize_language, text

VIEWS = Path(__file__).resolve().parent.parent / "views"
# Text built in app/ for the views to show (the sync status line).
APP_TEXTS = (Path(__file__).resolve().parent.parent / "app" / "sync_text.py",)
# tr("key"), tr("a" if x else "b"), text("key", ...), and keys held in tuples such as
# ("role.member", "/card", ...): any string literal shaped like a catalogue key.
KEY_LITERAL = re.compile(r"""["']([a-z]+\.[a-z_]+)["']""")


def keys_used_by_views() -> set[str]:
    used: set[str] = set()
    for source in (*VIEWS.glob("*.py"), *APP_TEXTS):
        used.update(KEY_LITERAL.findall(source.read_text(encoding="utf-8")))
    return used


def fields(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def test_zh_comes_first() -> None:
    assert LANGUAGES[0] == "zh"


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_zh_and_en_with_the_same_fields(key: str) -> None:
    entry = MESSAGES[key]
    assert set(entry) == set(LANGUAGES)
    assert all(entry[lang].strip() for lang in LANGUAGES)
    assert fields(entry["zh"]) == fields(entry["en"])


def test_every_key_the_views_use_is_in_the_catalogue() -> None:
    used = keys_used_by_views()
    assert len(used) > 40  # the scan really finds the views' keys
    assert sorted(used - set(MESSAGES)) == []


def test_no_catalogue_entry_is_left_unused() -> None:
    assert sorted(set(MESSAGES) - keys_used_by_views()) == []


def test_lookup_formats_and_falls_back_to_chinese() -> None:
    assert text("card.refresh_in", "en", n=7) == "Refreshes in 7 s"
    assert text("nav.card", "fr") == "会员证"
    assert normalize_language("fr") == "zh"
    assert normalize_language("en") == "en"


def test_an_unknown_key_fails_loudly() -> None:
    with pytest.raises(KeyError):
        text("no.such_key", "zh")
