"""Reading the tones the window plays: their samples, pitch and bursts."""

from __future__ import annotations

import io
import itertools
import struct
import wave


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
