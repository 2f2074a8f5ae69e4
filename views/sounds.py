"""The window's two tones: a high double beep when a card passes (green, blue or amber) and a
low buzz when it is refused (red), so the clerk hears the verdict while looking at the card.

The tones are made here as small WAV files (16 kHz, 16-bit mono, 7 and 14 KB) and played
by flet-audio's Audio service: on a phone by the platform's player, in a browser by an HTML
audio element. A device that cannot play them (no sound card, a browser that blocks sound
before the first key press) still shows every verdict: a tone that fails is only logged.
"""

from __future__ import annotations

import enum
import io
import logging
import math
import struct
import wave
from collections.abc import Sequence

import flet as ft
import flet_audio as fta

from app.verdict_text import Colour

log = logging.getLogger(__name__)
RATE = 16_000
FADE = 0.004  # seconds of fade in and out: no click at the edges


class Tone(enum.Enum):
    PASSED = "passed"
    REFUSED = "refused"


def tone_for(colour: Colour) -> Tone:
    return Tone.REFUSED if colour is Colour.RED else Tone.PASSED


def wav(parts: Sequence[tuple[float, float]], volume: float = 0.6) -> bytes:
    """A mono WAV of `(frequency in Hz, seconds)` parts; frequency 0 is a pause."""
    samples: list[int] = []
    for frequency, seconds in parts:
        count = int(RATE * seconds)
        for i in range(count):
            edge = min(1.0, i / (RATE * FADE), (count - 1 - i) / (RATE * FADE))
            value = math.sin(2 * math.pi * frequency * i / RATE) if frequency else 0.0
            samples.append(int(32_767 * volume * edge * value))
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(RATE)
        file.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return out.getvalue()


TONES: dict[Tone, tuple[tuple[float, float], ...]] = {
    Tone.PASSED: ((1760.0, 0.08), (0.0, 0.05), (1760.0, 0.08)),  # A6 twice: 嘀嘀
    Tone.REFUSED: ((220.0, 0.45),),  # A3, long: 嘟
}


class Speaker:
    """Plays the tones on the page that shows the desk. `attach` makes the players in that
    page's context (Flet registers a service with the page it is made in); until then, and on a
    page that is gone, `play` does nothing."""

    def __init__(self) -> None:
        self._players: dict[Tone, fta.Audio] = {}

    def attach(self) -> None:
        if not self._players:
            self._players = {tone: fta.Audio(src=wav(parts), release_mode=fta.ReleaseMode.STOP)
                             for tone, parts in TONES.items()}

    def play(self, tone: Tone) -> None:
        player = self._players.get(tone)
        if player is None:
            return
        try:
            page = player.page
        except RuntimeError:  # the page has closed
            return
        if isinstance(page, ft.Page):
            page.run_task(_play, player)


async def _play(player: fta.Audio) -> None:
    try:
        await player.play()
    except (RuntimeError, TimeoutError) as exc:  # no sound here: the verdict is on screen
        log.warning("the verdict's tone did not play: %s", exc)
