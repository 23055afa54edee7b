"""A discreet line a presenter can trust: how late frames run, what they cost, how far behind the stage."""

from __future__ import annotations

from textual.widgets import Static


class StatusBar(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._shown = ""

    def show(self, *, lag_ms: float, frame_ms: float, events: int, follow: bool, stream_ms: float = 0.0) -> None:
        text = (
            f"frame lag {lag_ms:4.1f} ms  ·  frame {frame_ms:4.1f} ms  ·  stream {stream_ms:3.0f} ms behind  ·  {events:,} events  ·  "
            f"{'following' if follow else 'free view: f to follow'}"
        )
        if text != self._shown:
            self._shown = text
            self.update(text)
