"""The window's verdict tones (views/sounds.py): a real WAV each, a high double beep for a card
that passes and a low, longer buzz for a refusal, so a clerk tells them apart by ear."""

from __future__ import annotations

from app.verdict_text import Colour
from tests.sound_support import pitch_and_bursts, samples
from views.sounds import RATE, TONES, Tone, tone_for, wav


def test_green_blue_and_amber_share_one_tone_and_red_has_another() -> None:
    assert {tone_for(c) for c in (Colour.GREEN, Colour.BLUE, Colour.AMBER)} == {Tone.PASSED}
    assert tone_for(Colour.RED) is Tone.REFUSED


def test_a_pass_beeps_high_twice_and_a_refusal_buzzes_low_and_longer() -> None:
    passed = pitch_and_bursts(wav(TONES[Tone.PASSED]))
    refused = pitch_and_bursts(wav(TONES[Tone.REFUSED]))
    assert passed[1] == 2 and refused[1] == 1
    assert passed[0] > 1500 and refused[0] < 300  # Hz
    assert refused[2] > passed[2]
    assert samples(wav(TONES[Tone.PASSED]))[0] == RATE
