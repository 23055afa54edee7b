"""The timeline under the mouse: a click selects a row, a click or drag on the time axis
scrubs (the screen moves a replay there), ctrl+wheel zooms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.events import Click, MouseDown, MouseMove, MouseScrollDown, MouseScrollUp, MouseUp


if TYPE_CHECKING:
    from textual.geometry import Offset, Size, Spacing
    from textual.message import Message

    from ...model.timeline import TimelineModel


class TimelineMouse:
    """Mixed into TimelineView, which holds the view and posts its messages."""

    model: TimelineModel | None
    view_start_ns: int
    ns_per_cell: int
    label_width: int
    follow: bool
    _scrubbing: bool

    if TYPE_CHECKING:  # TimelineView's and Widget's own: declared for the type checker only, never shadowed

        class Scrub(Message):
            def __init__(self, t_ns: int) -> None: ...

        @property
        def chart_width(self) -> int: ...

        @property
        def gutter(self) -> Spacing: ...

        @property
        def scroll_offset(self) -> Offset: ...

        @property
        def size(self) -> Size: ...

        def _select_row(self, row: int) -> None: ...

        def post_message(self, message: Message) -> bool: ...

        def capture_mouse(self, capture: bool = True) -> None: ...

        def release_mouse(self) -> None: ...

        def action_zoom_in(self) -> None: ...

        def action_zoom_out(self) -> None: ...

        @property
        def pinned(self) -> int: ...

    def on_click(self, event: Click) -> None:
        y = event.y - self.gutter.top
        if y >= self.pinned:
            self._select_row(self.scroll_offset.y + y - self.pinned)

    def _axis_time(self, x: int) -> int | None:
        """The instant under column ``x`` of the widget, if it is in the chart."""
        cell = x - self.gutter.left - self.label_width - 1
        if self.model is None or not 0 <= cell < self.chart_width:
            return None
        return max(0, self.view_start_ns + cell * self.ns_per_cell + self.ns_per_cell // 2)

    def on_mouse_down(self, event: MouseDown) -> None:
        t = self._axis_time(event.x) if event.y - self.gutter.top == 0 else None
        if t is not None:
            self._scrubbing = True
            self.follow = False  # the scale holds still under the pointer while it drags
            self.capture_mouse()
            self.post_message(self.Scrub(t))

    def on_mouse_move(self, event: MouseMove) -> None:
        if self._scrubbing:
            t = self._axis_time(max(self.gutter.left + self.label_width + 1, min(event.x, self.size.width - 1)))
            if t is not None:
                self.post_message(self.Scrub(t))

    def on_mouse_up(self, _: MouseUp) -> None:
        if self._scrubbing:
            self._scrubbing = False
            self.release_mouse()

    def on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        if event.ctrl:
            event.stop()
            self.action_zoom_out()

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        if event.ctrl:
            event.stop()
            self.action_zoom_in()

