"""Exports of a recording for other tools: Perfetto traces, the JSON summary, screens and casts.

Each format lives in a module of its own, imported only when asked for (the screen and
cast exports bring the app with them). An exporter that cannot do its work for a reason
a person can act on raises :class:`ExportError` with one line saying why.
"""

from __future__ import annotations

FORMATS = ("perfetto", "json", "svg", "png", "cast")
SCREEN_FORMATS = frozenset({"svg", "png"})  # the app's screen at an instant: --at, --size
SIZED_FORMATS = frozenset({"svg", "png", "cast"})  # drawn at a terminal size: --size
TO_STDOUT_FORMATS = frozenset({"perfetto", "json"})  # text that may go to "-o -"


class ExportError(Exception):
    """An export that cannot be made; the message is one line for a person."""
