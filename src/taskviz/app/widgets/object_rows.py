"""The program's queues, semaphores and locks as rows of their own, pinned under the event loop's lane.

A queue's row fills and drains with it, a semaphore's shows its free slots (eighths of
its size, ``▁▂▃▄▅▆▇█``), a lock's shows who holds it: the holder's name where it fits,
else a solid bar. One colour for them all, apart from the tasks'. On whenever the program
used any (``model/primitives.py``); ``o`` hides them. Mixed into TimelineView: its pinned
rows are the axis, the loop lane and these (``pinned``).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from ... import palette
from ...model.primitives import BAR, NAME, Primitives, bar, holder_name, primitives_for
from ...textchart import fit_cells
from .timeline_paint import PINNED

if TYPE_CHECKING:
    from textual.geometry import Region

    from ...model.timeline import TimelineModel

MAX_OBJECT_ROWS = 6  # pinned rows cost task rows: a program with dozens of queues shows its first ones


class ObjectRows:
    """The object rows' count, their key for a frame, and their painting."""

    model: TimelineModel | None
    show_objects: bool
    view_start_ns: int
    ns_per_cell: int
    label_width: int

    if TYPE_CHECKING:  # TimelineView's and Widget's own: declared for the type checker only, never shadowed

        @property
        def chart_width(self) -> int: ...

        @property
        def scrollable_content_region(self) -> Region: ...

        def _base_style(self) -> Style: ...

        def now_ns(self) -> int: ...

        def get_component_rich_style(self, *names: str, partial: bool = False) -> Style: ...

        def _light(self) -> bool: ...

        def _with_now(self, strip: Strip, width: int) -> Strip: ...

    @property
    def primitives(self) -> Primitives | None:
        return primitives_for(self.model) if self.model is not None else None

    def _object_ids(self) -> list[int]:
        """The objects given a row now: none while hidden, at most a third of the height."""
        primitives = self.primitives
        if primitives is None or not self.show_objects:
            return []
        room = max(1, self.scrollable_content_region.height // 3)
        return primitives.shown()[: min(MAX_OBJECT_ROWS, room)]

    @property
    def pinned(self) -> int:
        """Rows that stay put while the tasks scroll: the axis, the loop lane and the object rows."""
        return PINNED + len(self._object_ids())

    def _objects_key(self) -> tuple[int, int, bool]:
        """What the object rows are drawn from: a frame is redrawn when it grows."""
        record = self.model.record if self.model is not None else None
        return (len(record.levels), len(record.holds), self.show_objects) if record is not None else (0, 0, False)

    def _object_line(self, index: int, width: int) -> Strip:
        """Object row ``index``: its label, then its level or holder cell by cell."""
        primitives = self.primitives
        ids = self._object_ids()
        if primitives is None or index >= len(ids):
            return Strip.blank(width, self._base_style())
        oid = ids[index]
        model = primitives.model
        cells = primitives.cells(oid, self.view_start_ns, self.ns_per_cell, self.chart_width, self.now_ns())
        color = palette.on_light(palette.OBJECT_COLOR) if self._light() else palette.OBJECT_COLOR
        base = self._base_style()  # once a repaint (``TimelinePainting.render_lines``): Textual works it out afresh each time
        styles = {BAR: base + Style(color=color), NAME: base + Style(color="#000000", bgcolor=color, bold=True)}
        label_style = self.get_component_rich_style("timeline--label") + Style(color=color)
        segments = [Segment(fit_cells(primitives.label(oid), self.label_width) + " ", label_style)]
        segments += [Segment(text, styles.get(what, base)) for text, what in bar(primitives, oid, cells, partial(holder_name, model))]
        return self._with_now(Strip(segments), width)
