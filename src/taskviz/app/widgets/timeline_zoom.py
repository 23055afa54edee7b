"""The timeline's view of time: which instant is at its left edge and how long a cell is.

Following keeps the run so far in view as it grows; zooming, panning or fitting takes
the view over until ``f`` follows again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ...model.axis import following_scale

if TYPE_CHECKING:
    from ...model.timeline import TimelineModel


class TimelineZoom:
    """Mixed into TimelineView, which redraws (``tick``) after each change."""

    model: TimelineModel | None
    _now: Callable[[], int] | None
    view_start_ns: int
    ns_per_cell: int
    follow: bool

    if TYPE_CHECKING:  # TimelineView's own: declared for the type checker only, never shadowed

        @property
        def chart_width(self) -> int: ...

        def now_ns(self) -> int: ...

        def tick(self) -> None: ...

    def _held_from(self) -> int:
        """Where the run's held history starts: 0, or where a long live run's window begins."""
        return self.model.held_from_ns if self.model is not None else 0

    def _follow(self, now: int) -> None:
        """Keep the whole run so far in view (what a long live run still holds of it): the scale is a
        round length of cell that changes only as the run nears the right edge (``following_scale``),
        so the cursor moves and the ticks hold still between frames; once the run is over, fit it
        edge to edge."""
        start = self._held_from()
        if self._now is None:
            end = max(now, self.model.end_ns if self.model else 0, start + 1)
            self.view_start_ns = start
            self.ns_per_cell = max(1, -(-(end - start) // max(1, self.chart_width - 1)))
            return
        end = max(now, self.model.end_ns if self.model else 0, start)
        self.view_start_ns = start
        self.ns_per_cell = following_scale(end - start, self.chart_width)

    def _zoom(self, factor_num: int, factor_den: int) -> None:
        now = self.now_ns()
        width = self.chart_width
        centre = now if self.view_start_ns <= now < self.view_start_ns + width * self.ns_per_cell else (
            self.view_start_ns + width * self.ns_per_cell // 2
        )
        offset_cells = (centre - self.view_start_ns) // max(1, self.ns_per_cell)
        self.ns_per_cell = max(1, self.ns_per_cell * factor_num // factor_den)
        self.view_start_ns = max(self._held_from(), centre - offset_cells * self.ns_per_cell)
        self.follow = False
        self.tick()

    def action_zoom_in(self) -> None:
        self._zoom(1, 2)

    def action_zoom_out(self) -> None:
        self._zoom(2, 1)

    def _pan(self, cells: int) -> None:
        self.view_start_ns = max(self._held_from(), self.view_start_ns + cells * self.ns_per_cell)
        self.follow = False
        self.tick()

    def action_pan_left(self) -> None:
        self._pan(-max(1, self.chart_width // 8))

    def action_pan_right(self) -> None:
        self._pan(max(1, self.chart_width // 8))

    def action_fit(self) -> None:
        """The whole run (what a long live run still holds of it), edge to edge."""
        start = self._held_from()
        end = max(self.now_ns(), self.model.end_ns if self.model else 0, start + 1)
        self.view_start_ns = start
        self.ns_per_cell = max(1, -(-(end - start) // (self.chart_width - 1)))
        self.follow = False
        self.tick()

    def action_follow(self) -> None:
        self.follow = True
        self.tick()
