"""The timeline: one row per task, an axis and the event-loop lane pinned above them.

Libraries' own tasks are folded into one row per library until ``i`` shows them
(``timeline_rows``, from ``model/folding.py``).

Drawn with the Line API: each frame asks the model for the cells of the visible rows
only, and emits one segment per run of equal state (``timeline_paint``). ``tick`` is
called by the app at a fixed rate; it refreshes only when the model, the clock or the
view (``timeline_zoom``, ``timeline_mouse``) moved.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView

from ...model.folding import Row
from ...model.timeline import NS, Lane, TimelineModel
from ...model.names import task_name
from ...text import visible
from .timeline_mouse import TimelineMouse
from .object_rows import ObjectRows
from .timeline_paint import TimelinePainting
from .timeline_rows import TimelineRows
from .timeline_zoom import TimelineZoom

LABEL_WIDTH = 22  # until the first rows arrive; then as wide as the names, up to a third


class TimelineView(TimelineRows, ObjectRows, TimelinePainting, TimelineMouse, TimelineZoom, ScrollView, can_focus=True):
    """Tasks as coloured bars over time, with a moving "now" cursor."""

    BINDINGS = [
        Binding("plus,equals_sign", "zoom_in", "Zoom in", key_display="+"),
        Binding("minus", "zoom_out", "Zoom out", key_display="-"),
        Binding("left", "pan_left", "Pan", show=False),
        Binding("right", "pan_right", "Pan", show=False),
        Binding("0", "fit", "Fit"),
        Binding("f", "follow", "Follow"),
        Binding("up", "select_previous", "Select", show=False),
        Binding("down", "select_next", "Select", show=False),
        Binding("home", "select_first", show=False),
        Binding("end", "select_last", show=False),
    ]

    COMPONENT_CLASSES = {
        "timeline--label",
        "timeline--selected",
        "timeline--selected-label",
        "timeline--now",
        "timeline--axis",
        "timeline--server",
        "timeline--idle",
    }

    DEFAULT_CSS = """
    TimelineView {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    TimelineView > .timeline--label { color: $text; }
    TimelineView > .timeline--selected { background: $foreground 9%; }
    TimelineView:focus > .timeline--selected { background: $foreground 14%; }
    TimelineView > .timeline--selected-label { background: $primary; color: #ffffff; text-style: bold; }
    TimelineView > .timeline--now { background: $warning 45%; }
    TimelineView > .timeline--axis { color: $text-muted; }
    TimelineView > .timeline--server { color: $text-muted; text-style: dim; }
    TimelineView > .timeline--idle { color: $text-muted; }
    """

    class TaskSelected(Message):
        """The selected row changed, by key or mouse: a task, or a library's group row (``group``)."""

        def __init__(self, task_id: int | None, group: str | None = None) -> None:
            super().__init__()
            self.task_id = task_id
            self.group = group

    class Scrub(Message):
        """A click or drag on the time axis: show the run at ``t_ns`` (a replay moves there)."""

        def __init__(self, t_ns: int) -> None:
            super().__init__()
            self.t_ns = t_ns

    selected: reactive[int | None] = reactive(None, layout=False)
    selected_group: reactive[str | None] = reactive(None, layout=False)  # a library's row (see timeline_rows)
    show_library: reactive[bool] = reactive(False, init=False)  # libraries' own tasks a row each
    follow: reactive[bool] = reactive(True)
    show_objects: reactive[bool] = reactive(True, init=False)  # the program's queues, semaphores and locks (object_rows)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.model: TimelineModel | None = None
        self._now: Callable[[], int] | None = None
        self.view_start_ns = 0
        self.ns_per_cell = NS // 10
        self.last_frame_ms = 0.0
        self._frame_spent = 0.0
        self.label_width = LABEL_WIDTH
        self._styles_on: dict[tuple[Style, bool, bool], list[Style]] = {}
        self._frame_key: tuple[object, ...] = ()
        self._rows: list[Row] = []
        self._cells: dict[int, bytearray] = {}
        self._group_cells: dict[str, bytearray] = {}
        self._loop_cells: list[tuple[Lane, int]] = []
        self._scrubbing = False

    # -- what to show ---------------------------------------------------------------------

    def show(self, model: TimelineModel | None, now: Callable[[], int] | None = None) -> None:
        """Display ``model``; ``now()`` gives ns since its start while the run is live."""
        self.model = model
        self._now = now
        self._select(None)
        self.view_start_ns = 0
        self.follow = True
        self._frame_key = ()
        self.scroll_to(y=0, animate=False)
        self.tick()

    def use_model(self, model: TimelineModel) -> None:
        """Another model of the same run (a replay rebuilt it): the view, zoom and selection stay."""
        if model is not self.model:
            self.model = model
            self._rows = []
            self._frame_key = ()
            self.tick()

    def set_clock(self, now: Callable[[], int]) -> None:
        """Time moves again (a replay went back from its end): the "now" cursor returns."""
        if self._now is None:
            self._now = now
            self._frame_key = ()

    def stop_clock(self) -> None:
        """The run is over: no more cursor, "now" is the end of the record."""
        if self._now is not None:
            self._now = None
            self._frame_key = ()

    def now_ns(self) -> int:
        if self.model is None:
            return 0
        return self._now() if self._now is not None else self.model.end_ns

    @property
    def chart_width(self) -> int:
        return max(1, self.scrollable_content_region.width - self.label_width - 1)

    def _fit_labels(self, rows: list[Row]) -> None:
        """Wide enough for the names on screen, up to a third of the widget."""
        model = self.model
        assert model is not None
        longest = max((cell_len(self._group_label(row)) if isinstance(row, str)
                       else 2 * min(self._depth(row), 5) + cell_len(task_name(model, row)) for row in rows[:300]),
                      default=10)
        self.label_width = max(12, min(longest + 1, 34, self.scrollable_content_region.width // 3))

    def tick(self) -> None:
        """Refresh if anything on screen would change; cheap when nothing did."""
        model = self.model
        if model is None:
            if self._frame_key != ("empty",):
                self._frame_key = ("empty",)
                self.virtual_size = Size(self.scrollable_content_region.width, 0)
                self.refresh()
            return
        now = self.now_ns()
        if self.follow:
            self._follow(now)
        rows = self._current_rows()
        if rows is not self._rows and (len(rows) != len(self._rows) or rows[-1:] != self._rows[-1:]):
            self._fit_labels(rows)
        self._rows = rows
        if self.virtual_size.height != len(rows) + self.pinned:
            self.virtual_size = Size(self.scrollable_content_region.width, len(rows) + self.pinned)
        key = (
            id(model),
            model.consumed,
            now // max(1, self.ns_per_cell),
            self.view_start_ns,
            self.ns_per_cell,
            self.chart_width,
            self.scroll_offset.y,
            self.size.height,
            self.selected,
            self.selected_group,
            id(rows),
            model.busy,
            self._objects_key(),
        )
        if key == self._frame_key:
            return
        self._frame_key = key
        self._cells.clear()
        self._group_cells.clear()
        self._loop_cells = model.loop_cells(self.view_start_ns, self.ns_per_cell, self.chart_width, now)
        self.refresh()

    def _group_label(self, owner: str) -> str:
        """A library's row: its name and how many tasks it folds ("aiohttp · 11 tasks")."""
        folding = self.folding
        group = folding.group(owner) if folding is not None else None
        return visible(group.label() if group is not None else owner)

    def _task_selected(self, task_id: int | None, group: str | None) -> Message:
        return self.TaskSelected(task_id, group)

    def on_resize(self) -> None:
        self._frame_key = ()
        if self.model is not None:
            rows = self._current_rows()
            self.virtual_size = Size(self.scrollable_content_region.width, len(rows) + self.pinned)
            self._fit_labels(rows)
        self.tick()

    def watch_show_objects(self) -> None:
        self.tick()

    def action_toggle_objects(self) -> None:
        self.show_objects = not self.show_objects

