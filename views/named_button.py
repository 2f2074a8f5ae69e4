"""A Semantics node a screen reader (or a browser test) can activate — in a module of its own
WITHOUT `from __future__ import annotations`: Flet 1.0.5 finds an event's type from the
handler field's annotation and only evaluates `ForwardRef`s, so a string annotation (what the
future import makes of every annotation) failed with "[resolve error] on_click: tuple index out
of range" and ended the page's session on every activation of a named button."""

import flet as ft


@ft.control("Semantics")  # type: ignore[arg-type]  # (its overloads leave T unbound)
class NamedButton(ft.Semantics):
    """Flet 1.0.5's Dart side wires the node's tap action to an event named "click", while its
    Python `Semantics` only declares `on_tap` (never sent), so activating a labelled node did
    nothing; this declares the event the Dart side listens for."""

    on_click: ft.ControlEventHandler["NamedButton"] | None = None
