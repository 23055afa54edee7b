"""The timeline's drawing, with the Line API: one Strip a screen row, built from the model's
cells for the visible rows only, one segment per run of equal cell code.

Every look comes from the palette's tables (``CELL_GLYPHS``/``CELL_COLORS``, ``LOOP_GLYPHS``),
which the headless chart and the legend read too: each kind of wait has its glyph and colour.

Row 0 is the axis, row 1 the event loop's lane, then a row per queue, semaphore or lock
(``object_rows``; all pinned), then one row per task (or per library, for the tasks a
library made for itself: ``timeline_rows``).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from ... import palette
from ...model.axis import format_duration, ticks
from ...model.folding import Folding, Row
from ...model.timeline import Lane, State, TimelineModel
from ...model.names import fit_name, task_name
from ...textchart import fit_cells
from ..found import DEADLOCK_COLOR, DEADLOCK_MARK, FINDING_COLOR, FINDING_MARK, watch_for

if TYPE_CHECKING:
    from textual.geometry import Offset, Region, Size

PINNED = 2  # the axis and the loop lane
_GLYPHS = palette.CELL_GLYPHS
_RUNNING = int(State.RUNNING)
_LANE_GLYPHS = [palette.LOOP_GLYPHS[lane] for lane in Lane]


@functools.cache  # made when a row first needs them, not at import
def _bar_styles(thread: bool, server: bool, light: bool) -> list[Style]:
    """One Style per cell code (each state, each kind of wait, marked or not), made once:
    building a Style per segment was half a frame's cost. A light theme gets the same looks
    darkened to read on its pale background."""
    colors = palette.THREAD_CELL_COLORS if thread else palette.CELL_COLORS
    made: dict[str, Style] = {}
    return [made.setdefault(color, Style(color=palette.on_light(color) if light else color, dim=server))
            for color in colors]


def _bar(cells: bytearray, styles: list[Style]) -> list[Segment]:
    """A row's cells as one Segment per run of equal code, in that code's glyph and style."""
    segments = []
    run_code, start = -1, 0
    for i, value in enumerate(bytes(cells) + b"\xff"):
        if value == run_code:
            continue
        if i:
            segments.append(Segment(_GLYPHS[run_code] * (i - start), styles[run_code]))
        run_code, start = value, i
    return segments


def _over(strip: Strip, style: Style) -> Strip:
    """``style``'s background on top of each segment's own (Strip.apply_style puts it underneath)."""
    background = Style(bgcolor=style.bgcolor)
    return Strip([Segment(text, own + background if own else background, control) for text, own, control in strip],
                 strip.cell_length)


def _thread_note(blank: str, bar: Style, rest: Style) -> list[Segment]:
    """The blank after an executor job's bar, with the note that threads take turns holding the
    GIL where it fits: rows side by side must not read as Python running in parallel."""
    for note in (f" ◂ {palette.THREAD_NOTE}", " ◂ takes turns for the GIL", " ◂ GIL: turns", " ◂ GIL"):
        if len(note) < len(blank):
            return [Segment(note, bar), Segment(blank[len(note):], rest)]
    return [Segment(blank, rest)]


class TimelinePainting:
    """Mixed into TimelineView, which holds the view (start, scale, labels) and the model."""

    model: TimelineModel | None
    _now: Callable[[], int] | None
    view_start_ns: int
    ns_per_cell: int
    label_width: int
    last_frame_ms: float
    _frame_spent: float
    _styles_on: dict[tuple[Style, bool, bool], list[Style]]
    _rows: list[Row]
    _cells: dict[int, bytearray]
    _group_cells: dict[str, bytearray]
    _loop_cells: list[tuple[Lane, int]]
    selected: int | None
    selected_group: str | None

    if TYPE_CHECKING:  # TimelineView's and Widget's own: declared for the type checker only, never shadowed

        @property
        def chart_width(self) -> int: ...

        @property
        def scrollable_content_region(self) -> Region: ...

        @property
        def scroll_offset(self) -> Offset: ...

        @property
        def size(self) -> Size: ...

        @property
        def rich_style(self) -> Style: ...

        def now_ns(self) -> int: ...

        def get_component_rich_style(self, *names: str, partial: bool = False) -> Style: ...

        @property
        def folding(self) -> Folding | None: ...

        def _depth(self, tid: int) -> int: ...

        def _group_label(self, owner: str) -> str: ...

        @property
        def pinned(self) -> int: ...

        def _object_line(self, index: int, width: int) -> Strip: ...

    _style: Style | None = None  # the widget's own style, read once a repaint (``render_lines``)

    def render_lines(self, crop: Region) -> list[Strip]:
        """One repaint's lines. The widget's style is a walk of its ancestors' styles (~0.1 ms),
        which every line needs two or three times: it is read once for all of them."""
        self._style = self.rich_style
        try:
            return super().render_lines(crop)  # type: ignore[misc]
        finally:
            self._style = None

    def _base_style(self) -> Style:
        return self._style if self._style is not None else self.rich_style

    def render_line(self, y: int) -> Strip:
        started = time.perf_counter()
        width = self.scrollable_content_region.width
        model = self.model
        if model is None:
            strip = self._message_line("Pick a scenario and press Enter", width) if y == 0 else Strip.blank(width, self._base_style())
        elif y == 0:
            strip = self._axis_line(width)
        elif y == 1:
            strip = self._loop_line(width)
        elif y < self.pinned:
            strip = self._object_line(y - PINNED, width)
        else:
            row = self.scroll_offset.y + y - self.pinned
            if row >= len(self._rows):
                strip = Strip.blank(width, self._base_style())
            else:
                key = self._rows[row]
                strip = self._group_line(key, width) if isinstance(key, str) else self._task_line(key, width)
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
        return self._finding_marks(Strip(segments)).crop_extend(0, width, self._base_style())

    def _finding_marks(self, strip: Strip) -> Strip:
        """Each finding made by now a mark on the axis at its instant: ⇄ a deadlock, ⚠ the rest (``app/found``)."""
        model = self.model
        marks = watch_for(model).found.axis_marks(self.now_ns(), self.view_start_ns, self.ns_per_cell,
                                                  self.chart_width) if model is not None else {}
        if not marks:
            return strip
        light = self._light()
        looks = {mark: self._base_style() + Style(color=palette.on_light(color) if light else color, bold=True)
                 for mark, color in ((DEADLOCK_MARK, DEADLOCK_COLOR), (FINDING_MARK, FINDING_COLOR))}
        x0 = self.label_width + 1
        cuts = sorted({x for cell in marks for x in (x0 + cell, x0 + cell + 1)} | {strip.cell_length})
        pieces, start = [], 0
        for piece, end in zip(strip.divide(cuts), cuts):
            mark = marks.get(start - x0) if end == start + 1 else None
            pieces.append(Strip([Segment(mark, looks[mark])], 1) if mark else piece)
            start = end
        return Strip.join(pieces)

    def _loop_line(self, width: int) -> Strip:
        """Idle, busy, a brief step, or blocked (one step of BLOCK_NS or more), cell by cell."""
        base = self._base_style()
        light = self._light()
        busy, step = (palette.on_light(palette.LOOP_COLORS[lane]) if light else palette.LOOP_COLORS[lane]
                      for lane in (Lane.BUSY, Lane.STEP))
        styles = (
            self.get_component_rich_style("timeline--idle"),  # idle takes the theme's muted colour
            base + Style(color=busy),
            base + Style(color=step),
            base + Style(color=palette.LOOP_COLORS[Lane.BLOCKED], bgcolor=palette.LOOP_BLOCKED_COLOR),
            base + Style(color="#ffffff", bgcolor=palette.LOOP_BLOCKED_COLOR, bold=True),  # a block's words
        )
        kinds = [int(kind) for kind, _ in self._loop_cells]
        chars = [_LANE_GLYPHS[kind] for kind in kinds]
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
            cells = self._cells[tid] = model.cells(tid, self.view_start_ns, self.ns_per_cell, self.chart_width,
                                                   self.now_ns(), kinds=True)
        server = track.info.group == "server"
        label_style = self.get_component_rich_style("timeline--server" if server else "timeline--label")
        if tid == self.selected:
            label_style += self.get_component_rich_style("timeline--selected-label")
        segments = [self._marked_label(tid, "  " * min(self._depth(tid), 5) + task_name(model, tid), label_style)]
        styles = self._bar_styles(track.thread, server)
        segments += _bar(cells, styles)
        if track.thread and len(segments) > 2 and not cells[-1] and track.state.finished:
            segments[-1:] = _thread_note(segments[-1].text, styles[_RUNNING], styles[0])
        if tid == self.selected:
            tint = self.get_component_rich_style("timeline--selected")
            segments[1:] = _over(Strip(segments[1:]), tint)
        return self._with_now(Strip(segments), width)

    def _marked_label(self, tid: int, text: str, style: Style) -> Segment:
        """A task's label; a task in a deadlock (from when its cycle formed) in bold red after ⇄, one with
        another finding in amber after ⚠ (``app/found``)."""
        model = self.model
        mark = watch_for(model).found.mark(tid, self.now_ns()) if model is not None else None
        if mark is None:
            return Segment(fit_name(text, self.label_width) + " ", style)
        color = DEADLOCK_COLOR if mark == DEADLOCK_MARK else FINDING_COLOR
        look = Style(color=palette.on_light(color) if self._light() else color, bold=True)
        name = text.lstrip(" ")
        return Segment(fit_name(f"{text[: len(text) - len(name)]}{mark} {name}", self.label_width) + " ", style + look)

    def _group_line(self, owner: str, width: int) -> Strip:
        """A library's folded row: its name and count, dimmed, and its members' activity together."""
        folding = self.folding
        assert folding is not None
        cells = self._group_cells.get(owner)
        if cells is None:
            cells = self._group_cells[owner] = folding.cells(owner, self.view_start_ns, self.ns_per_cell, self.chart_width,
                                                             self.now_ns())
        label_style = self.get_component_rich_style("timeline--server") + Style(italic=True)
        if owner == self.selected_group:
            label_style += self.get_component_rich_style("timeline--selected-label")
        segments = [Segment(fit_cells(self._group_label(owner), self.label_width) + " ", label_style)]
        segments += _bar(cells, self._bar_styles(False, True))
        if owner == self.selected_group:
            segments[1:] = _over(Strip(segments[1:]), self.get_component_rich_style("timeline--selected"))
        return self._with_now(Strip(segments), width)

    def _bar_styles(self, thread: bool, server: bool) -> list[Style]:
        """The palette's styles on this widget's background (which the theme decides)."""
        base = self._base_style()
        cached = self._styles_on.get((base, thread, server))
        if cached is None:
            light = self._light()
            cached = self._styles_on[(base, thread, server)] = [base + style for style in _bar_styles(thread, server, light)]
        return cached

    def _light(self) -> bool:
        """Whether the theme's background is pale, so the palette's colours are darkened on it."""
        background = self._base_style().bgcolor
        return background is not None and background.get_truecolor().normalized[1] > 0.5

    def _with_now(self, strip: Strip, width: int) -> Strip:
        """Crop to the widget and paint the now cursor's column."""
        strip = strip.crop_extend(0, width, self._base_style())
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
