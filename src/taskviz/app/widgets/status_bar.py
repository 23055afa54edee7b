"""A discreet line a presenter can trust: how late frames run, what they cost, how far behind the stage."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...model.history import History


class StatusBar(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._shown = ""

    def show(self, *, lag_ms: float, frame_ms: float, events: int, follow: bool, stream_ms: float = 0.0,
             save_error: str | None = None, history: History | None = None) -> None:
        """``save_error``: the recording stopped short; said first, in red, for as long as the run is shown.
        ``history``: what a long live run's window summarised (``model/retention``), said before the figures."""
        text = (
            f"frame lag {lag_ms:4.1f} ms  ·  frame {frame_ms:4.1f} ms  ·  stream {stream_ms:3.0f} ms behind  ·  {events:,} events  ·  "
            f"{'following' if follow else 'free view: f to follow'}"
        )
        if history is not None:
            text = f"{history.said()}  ·  {text}"
        if save_error:
            text = f"✗ {save_error}  ·  {text}"
        if text != self._shown:
            self._shown = text
            if save_error:
                line = Text(text, no_wrap=True, overflow="ellipsis")
                line.stylize("bold red", 0, len(save_error) + 2)
                self.update(line)
            else:
                self.update(text)
