"""A replay's transport: playing or paused, speed, where it is, and a track to scrub along.

It only draws numbers it is given and turns clicks and drags on its track into Seek
messages; the screen moves the replay.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from ... import palette
from ...model.axis import format_duration

HINTS = "  space ▶/❚❚ · < > speed · , . event · [ ] change · Home End"
MIN_TRACK = 30  # the track keeps this much room before the key hints are shown


@dataclass(frozen=True)
class Position:
    playing: bool
    now_ns: int
    end_ns: int
    speed: float
    row: int
    rows: int


class TransportBar(Widget):
    DEFAULT_CSS = """
    TransportBar {
        height: 1;
        background: $panel;
        color: $text;
    }
    """

    class Seek(Message):
        """Show the replay at ``t_ns`` from the run's start (a click or drag on the track)."""

        def __init__(self, t_ns: int) -> None:
            super().__init__()
            self.t_ns = t_ns

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.position: Position | None = None
        self._track = (0, 0)  # first cell, width
        self._dragging = False

    def show(self, position: Position) -> None:
        if position != self.position:
            self.position = position
            self.refresh()

    def render(self) -> Text:
        position, width = self.position, self.size.width
        if position is None:
            return Text("")
        state = Text()
        state.append(" ▶ " if position.playing else " ❚❚ ", style="bold green" if position.playing else "bold yellow")
        state.append(f"{position.speed:g}x ", style="bold")
        # fixed widths: the track must not move under the pointer as the numbers change
        rows = f"{position.rows:,}"
        right = (f" {format_duration(position.now_ns):>8} / {format_duration(position.end_ns)}  ·  "
                 f"event {position.row:>{len(rows)},} of {rows} ")
        hints = HINTS if width - state.cell_len - len(right) - len(HINTS) >= MIN_TRACK else ""
        track = max(0, width - state.cell_len - len(right) - len(hints))
        self._track = (state.cell_len, track)
        done = 0 if position.end_ns <= 0 else round(track * min(position.now_ns, position.end_ns) / position.end_ns)
        text = state
        text.append("━" * done, style=f"bold {palette.LOOP_BUSY_COLOR}")
        text.append("─" * (track - done), style="dim")
        text.append(right)
        text.append(hints, style="dim")
        return text

    def _seek_at(self, x: int) -> None:
        position = self.position
        first, width = self._track
        if position is None or width <= 0:
            return
        fraction = min(1.0, max(0.0, (x - first) / max(1, width - 1)))
        self.post_message(self.Seek(round(fraction * position.end_ns)))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        first, width = self._track
        if first <= event.x < first + width:
            self._dragging = True
            self.capture_mouse()
            self._seek_at(event.x)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            self._seek_at(event.x)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()
