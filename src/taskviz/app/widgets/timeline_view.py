"""The timeline: one row per task, an axis and the event-loop lane pinned above them.

Drawn with the Line API: each frame asks the model for the cells of the visible rows
only, and emits one segment per run of equal state. ``tick`` is called by the app at a
fixed rate; it refreshes only when the model, the clock or the view moved.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click, MouseDown, MouseMove, MouseScrollDown, MouseScrollUp, MouseUp
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ... import palette
from ...model.axis import format_duration, ticks
from ...textchart import fit_cells, task_label
from ...model.timeline import NS, Lane, State, TimelineModel

LABEL_WIDTH = 22  # until the first rows arrive; then as wide as the names, up to a third
PINNED = 2  # the axis and the loop lane
_GLYPHS = [palette.GLYPHS[state] for state in State]


def _bar_styles(thread: bool, server: bool) -> list[Style]:
    """One Style per state, made once: building a Style per segment was half a frame's cost."""
    styles = []
    for state in State:
        color = palette.THREAD_RUNNING_COLOR if thread and state is State.RUNNING else palette.COLORS[state]
        styles.append(Style(color=color, dim=server))
    return styles


def _over(strip: Strip, style: Style) -> Strip:
    """``style``'s background on top of each segment's own (Strip.apply_style puts it underneath)."""
    background = Style(bgcolor=style.bgcolor)
    return Strip([Segment(text, own + background if own else background, control) for text, own, control in strip],
                 strip.cell_length)


_BAR_STYLES = {(thread, server): _bar_styles(thread, server) for thread in (False, True) for server in (False, True)}
_SPANS = [int(m * 10**e) for e in range(6, 12) for m in (1, 2, 5)]  # 1 ms .. 500 s


class TimelineView(ScrollView, can_focus=True):
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
    TimelineView > .timeline--selected { background: $accent 20%; }
    TimelineView:focus > .timeline--selected { background: $accent 30%; }
    TimelineView > .timeline--selected-label { background: $accent; color: $text; text-style: bold; }
    TimelineView > .timeline--now { background: $warning 45%; }
    TimelineView > .timeline--axis { color: $text-muted; }
    TimelineView > .timeline--server { color: $text-muted; text-style: dim; }
    TimelineView > .timeline--idle { color: $text-muted; }
    """

    class TaskSelected(Message):
        """The selected row changed, by key or mouse."""

        def __init__(self, task_id: int | None) -> None:
            super().__init__()
            self.task_id = task_id

    class Scrub(Message):
        """A click or drag on the time axis: show the run at ``t_ns`` (a replay moves there)."""

        def __init__(self, t_ns: int) -> None:
            super().__init__()
            self.t_ns = t_ns

    selected: reactive[int | None] = reactive(None, layout=False)
    follow: reactive[bool] = reactive(True)

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
        self._rows: list[int] = []
        self._cells: dict[int, bytearray] = {}
        self._loop_cells: list[tuple[Lane, int]] = []
        self._scrubbing = False

    # -- what to show ---------------------------------------------------------------------

    def show(self, model: TimelineModel | None, now: Callable[[], int] | None = None) -> None:
        """Display ``model``; ``now()`` gives ns since its start while the run is live."""
        self.model = model
        self._now = now
        self.selected = None
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

    def _fit_labels(self, rows: list[int]) -> None:
        """Wide enough for the names on screen, up to a third of the widget."""
        model = self.model
        assert model is not None
        longest = max((2 * min(model.tracks[t].depth, 5) + cell_len(task_label(model.tracks[t])) for t in rows[:300]), default=10)
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
        rows = model.order()
        if len(rows) != len(self._rows):
            self.virtual_size = Size(self.scrollable_content_region.width, len(rows) + PINNED)
            self._fit_labels(rows)
        self._rows = rows
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
            model.busy,
        )
        if key == self._frame_key:
            return
        self._frame_key = key
        self._cells.clear()
        self._loop_cells = model.loop_cells(self.view_start_ns, self.ns_per_cell, self.chart_width, now)
        self.refresh()

    def _follow(self, now: int) -> None:
        """Keep the whole run so far in view, stepping the scale so the cursor visibly moves;
        once the run is over, fit it edge to edge."""
        if self._now is None:
            end = max(now, self.model.end_ns if self.model else 0, 1)
            self.view_start_ns = 0
            self.ns_per_cell = max(1, -(-end // max(1, self.chart_width - 1)))
            return
        wanted = max(now, self.model.end_ns if self.model else 0) * 11 // 10
        span = next((s for s in _SPANS if s >= wanted), _SPANS[-1])
        self.view_start_ns = 0
        self.ns_per_cell = max(1, -(-span // self.chart_width))

    # -- the view: zoom, pan, fit, follow ----------------------------------------------------

    def _zoom(self, factor_num: int, factor_den: int) -> None:
        now = self.now_ns()
        width = self.chart_width
        centre = now if self.view_start_ns <= now < self.view_start_ns + width * self.ns_per_cell else (
            self.view_start_ns + width * self.ns_per_cell // 2
        )
        offset_cells = (centre - self.view_start_ns) // max(1, self.ns_per_cell)
        self.ns_per_cell = max(1, self.ns_per_cell * factor_num // factor_den)
        self.view_start_ns = max(0, centre - offset_cells * self.ns_per_cell)
        self.follow = False
        self.tick()

    def action_zoom_in(self) -> None:
        self._zoom(1, 2)

    def action_zoom_out(self) -> None:
        self._zoom(2, 1)

    def _pan(self, cells: int) -> None:
        self.view_start_ns = max(0, self.view_start_ns + cells * self.ns_per_cell)
        self.follow = False
        self.tick()

    def action_pan_left(self) -> None:
        self._pan(-max(1, self.chart_width // 8))

    def action_pan_right(self) -> None:
        self._pan(max(1, self.chart_width // 8))

    def action_fit(self) -> None:
        """The whole run, edge to edge."""
        end = max(self.now_ns(), self.model.end_ns if self.model else 0, 1)
        self.view_start_ns = 0
        self.ns_per_cell = max(1, -(-end // (self.chart_width - 1)))
        self.follow = False
        self.tick()

    def action_follow(self) -> None:
        self.follow = True
        self.tick()

    # -- selection ------------------------------------------------------------------------------

    def watch_selected(self, task_id: int | None) -> None:
        self.post_message(self.TaskSelected(task_id))
        if task_id is not None and task_id in self._rows:
            row = self._rows.index(task_id)
            visible = self.scrollable_content_region.height - PINNED
            top = self.scroll_offset.y
            if row < top:
                self.scroll_to(y=row, animate=False)
            elif row >= top + visible:
                self.scroll_to(y=row - visible + 1, animate=False)
        self.tick()

    def _select_row(self, row: int) -> None:
        if self._rows:
            self.selected = self._rows[max(0, min(row, len(self._rows) - 1))]

    def _selected_row(self) -> int:
        return self._rows.index(self.selected) if self.selected in self._rows else -1

    def action_select_next(self) -> None:
        self._select_row(self._selected_row() + 1)

    def action_select_previous(self) -> None:
        row = self._selected_row()
        self._select_row(row - 1 if row > 0 else 0)

    def action_select_first(self) -> None:
        self._select_row(0)

    def action_select_last(self) -> None:
        self._select_row(len(self._rows) - 1)

    def on_click(self, event: Click) -> None:
        y = event.y - self.gutter.top
        if y >= PINNED:
            self._select_row(self.scroll_offset.y + y - PINNED)

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

    def on_resize(self) -> None:
        self._frame_key = ()
        if self.model is not None:
            self.virtual_size = Size(self.scrollable_content_region.width, len(self.model.order()) + PINNED)
            self._fit_labels(self.model.order())
        self.tick()

    # -- drawing ---------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        started = time.perf_counter()
        width = self.scrollable_content_region.width
        model = self.model
        if model is None:
            strip = self._message_line("Pick a scenario and press Enter", width) if y == 0 else Strip.blank(width, self.rich_style)
        elif y == 0:
            strip = self._axis_line(width)
        elif y == 1:
            strip = self._loop_line(width)
        else:
            row = self.scroll_offset.y + y - PINNED
            strip = self._task_line(self._rows[row], width) if row < len(self._rows) else Strip.blank(width, self.rich_style)
        self._frame_spent += time.perf_counter() - started
        if y == self.size.height - 1:
            self.last_frame_ms, self._frame_spent = self._frame_spent * 1000, 0.0
        return strip

    def _message_line(self, text: str, width: int) -> Strip:
        style = self.get_component_rich_style("timeline--axis")
        return Strip([Segment(text.center(width)[:width], style)], width)

    def _now_cell(self) -> int:
        return (self.now_ns() - self.view_start_ns) // max(1, self.ns_per_cell)

    def _axis_line(self, width: int) -> Strip:
        axis_style = self.get_component_rich_style("timeline--axis")
        chart = self.chart_width
        text = [" "] * chart
        for cell, _, label in ticks(self.view_start_ns, self.ns_per_cell, chart):
            text[cell] = "┬"
            if cell + 1 + len(label) <= chart:
                text[cell + 1 : cell + 1 + len(label)] = label
        now = self.now_ns()
        header = f" {format_duration(now)}" if self.model is not None else ""
        segments = [Segment(header.ljust(self.label_width + 1)[: self.label_width + 1], axis_style), Segment("".join(text), axis_style)]
        return Strip(segments).crop_extend(0, width, self.rich_style)

    def _loop_line(self, width: int) -> Strip:
        """Idle, busy, a brief step, or blocked (one step of BLOCK_NS or more), cell by cell."""
        base = self.rich_style
        styles = (
            self.get_component_rich_style("timeline--idle"),
            base + Style(color=palette.LOOP_BUSY_COLOR),
            base + Style(color=palette.LOOP_BUSY_COLOR),
            base + Style(color="#8b0000", bgcolor=palette.LOOP_BLOCKED_COLOR),
            base + Style(color="#ffffff", bgcolor=palette.LOOP_BLOCKED_COLOR, bold=True),
        )
        kinds = [int(kind) for kind, _ in self._loop_cells]
        chars = [("·", palette.LOOP_BUSY, palette.LOOP_STEP, "▓")[kind] for kind in kinds]
        self._blocked_labels(chars, kinds)
        label_style = self.get_component_rich_style("timeline--label") + Style(bold=True)
        segments = [Segment("event loop".ljust(self.label_width + 1), label_style)]
        start = 0
        for i in range(1, len(kinds) + 1):
            if i == len(kinds) or kinds[i] != kinds[start]:
                segments.append(Segment("".join(chars[start:i]), styles[kinds[start]]))
                start = i
        return self._with_now(Strip(segments), width)

    def _blocked_labels(self, chars: list[str], kinds: list[int]) -> None:
        """Write each block's length inside its bar, where it fits."""
        model = self.model
        if model is None:
            return
        for index in model.blocks:
            step = model.step(index)
            first = (step.start_ns - self.view_start_ns) // max(1, self.ns_per_cell)
            last = (step.end_ns - 1 - self.view_start_ns) // max(1, self.ns_per_cell)
            length = format_duration(step.end_ns - step.start_ns)
            room = min(last, len(chars) - 1) - max(first, 0) + 1
            for text in (f" blocked {length} at {model.step_where(index)} ", f" blocked {length} ", f" {length} "):
                if len(text) <= room:
                    start = max(first, 0)
                    chars[start : start + len(text)] = text
                    kinds[start : start + len(text)] = [4] * len(text)
                    break

    def _task_line(self, tid: int, width: int) -> Strip:
        model = self.model
        assert model is not None
        track = model.tracks[tid]
        cells = self._cells.get(tid)
        if cells is None:
            cells = self._cells[tid] = model.cells(tid, self.view_start_ns, self.ns_per_cell, self.chart_width, self.now_ns())
        server = track.info.group == "server"
        label_style = self.get_component_rich_style("timeline--server" if server else "timeline--label")
        if tid == self.selected:
            label_style += self.get_component_rich_style("timeline--selected-label")
        name = fit_cells("  " * min(track.depth, 5) + task_label(track), self.label_width)
        segments = [Segment(name + " ", label_style)]
        styles = self._bar_styles(track.thread, server)
        run_state, start = -1, 0
        for i, value in enumerate(bytes(cells) + b"\xff"):
            if value == run_state:
                continue
            if i:
                segments.append(Segment(_GLYPHS[run_state] * (i - start), styles[run_state]))
            run_state, start = value, i
        if tid == self.selected:
            tint = self.get_component_rich_style("timeline--selected")
            segments[1:] = _over(Strip(segments[1:]), tint)
        return self._with_now(Strip(segments), width)

    def _bar_styles(self, thread: bool, server: bool) -> list[Style]:
        """The palette's styles on this widget's background (which the theme decides)."""
        base = self.rich_style
        cached = self._styles_on.get((base, thread, server))
        if cached is None:
            cached = self._styles_on[(base, thread, server)] = [base + style for style in _BAR_STYLES[(thread, server)]]
        return cached

    def _with_now(self, strip: Strip, width: int) -> Strip:
        """Crop to the widget and paint the now cursor's column."""
        strip = strip.crop_extend(0, width, self.rich_style)
        if self._now is None:
            return strip
        cell = self._now_cell()
        if not 0 <= cell < self.chart_width:
            return strip
        x = self.label_width + 1 + cell
        if x >= width:
            return strip
        head, cursor, tail = strip.divide([x, x + 1, width])
        return Strip.join([head, _over(cursor, self.get_component_rich_style("timeline--now")), tail])
