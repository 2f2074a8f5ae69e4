"""The window's verdict tones (views/sounds.py): a real WAV each, a high double beep for a card
that passes and a low, longer buzz for a refusal, so a clerk tells them apart by ear."""

from __future__ import annotations

import io
import itertools
import struct
import wave

from app.verdict_text import Colour
from views.sounds import RATE, TONES, Tone, tone_for, wav


def samples(data: bytes) -> tuple[int, list[int]]:
    with wave.open(io.BytesIO(data)) as file:
        assert (file.getnchannels(), file.getsampwidth()) == (1, 2)
        frames = file.readframes(file.getnframes())
        return file.getframerate(), list(struct.unpack(f"<{len(frames) // 2}h", frames))


def pitch_and_bursts(data: bytes) -> tuple[float, int, float]:
    """The sounding parts' frequency (zero crossings), how many bursts, and the length in s."""
    rate, values = samples(data)
    step = rate // 100  # 10 ms
    loud = [max(map(abs, values[i:i + step])) > 1000 for i in range(0, len(values), step)]
    bursts = sum(1 for a, b in zip([False, *loud], loud, strict=False) if b and not a)
    crossings = sum(1 for a, b in itertools.pairwise(values) if a < 0 <= b)
    return crossings / (sum(loud) * step / rate), bursts, len(values) / rate


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
