"""Presenter mode's timeline: the same model as the main timeline, drawn for a room.

Rows are two or three screen lines tall (bars two lines thick, or a line and a half),
names in bold at the left with what each task is doing under them, and every colour
given enough contrast for a projector (``presenter_looks``). Drawn with the Line API: a
Strip per screen line, from the cells of the rows on screen only.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from ...model.axis import format_duration, ticks
from ...model.timeline import Lane, State, TimelineModel
from ...model.folding import folding_for
from ...model.names import fit_name, task_name
from ...textchart import fit_cells
from . import presenter_looks as looks
from .presenter_rows import PINNED, TALL, Rows, bar, fit_rows, ns_per_cell, state_words

_LOOP_GLYPHS = ("·", "▆", "▎", "█")
LEGEND = 1  # the last line: what each look means


class PresenterTimeline(Widget):
    """Shows a model at an instant; ``show`` redraws only when what is on screen changes."""

    DEFAULT_CSS = """
    PresenterTimeline {
        background: $background;
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.model: TimelineModel | None = None
        self.now_ns = 0
        self.live_cursor = False  # the run is still going: draw the "now" column
        self.selected: int | None = None
        self.ns_per_cell = 1
        self.start_ns = 0  # the chart's left edge: 0, or where a long live run's window begins (``model/retention``)
        self.label_width = 14
        self.rows = Rows(3, 0, 0, "")
        self._order: list[int] = []
        self._depths: dict[int, int] = {}
        self._cells: dict[int, bytes] = {}
        self._key: tuple[object, ...] = ()
        self.background = "#000000"  # the theme's, as of the last ``show``: read once a frame, not once a line

    def show(self, model: TimelineModel | None, now_ns: int, cursor: bool, selected: int | None) -> None:
        """The run as it is at ``now_ns``; ``cursor`` while it is still going."""
        background = self.background = self._background()
        key = (id(model), model.consumed if model else 0, model.busy if model else None, now_ns // max(1, self.ns_per_cell),
               cursor, selected, self.size, background)
        if key == self._key:
            return
        self._key = key
        self.model, self.now_ns, self.live_cursor, self.selected = model, now_ns, cursor, selected
        self._cells.clear()
        if model is None:
            self.refresh()
            return
        folding = folding_for(model)  # the program's own tasks: libraries' are noise on a stage
        self._order = [row for row in folding.rows() if isinstance(row, int)]
        self._depths = {tid: min(folding.depth(tid), 4) for tid in self._order}
        names = (cell_len(task_name(model, t)) + self._depths[t] for t in self._order[:300])
        self.label_width = max(14, min(max(names, default=10) + 4, 32, self.size.width // 3))
        chart = self.chart_width
        start = self.start_ns = model.held_from_ns
        self.ns_per_cell = ns_per_cell(now_ns - start, model.end_ns - start, cursor, chart)
        index = self._order.index(selected) if selected in self._order else -1
        self.rows = fit_rows(len(self._order), self.size.height - PINNED - LEGEND, index, self.rows.first)
        self.refresh()

    def on_resize(self) -> None:
        """The caption grew a line (say): the rows are fitted again, even with nothing running."""
        self._key = ()
        self.show(self.model, self.now_ns, self.live_cursor, self.selected)

    @property
    def chart_width(self) -> int:
        return max(1, self.size.width - self.label_width - 1)

    def _background(self) -> str:
        color = self.rich_style.bgcolor
        return color.get_truecolor().hex if color is not None else "#000000"

    def _text_style(self, background: str) -> Style:
        return Style(color="#ffffff" if looks.luminance(background) < 0.18 else "#000000", bgcolor=background)

    # -- drawing -------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        background = self.background
        base = Style(bgcolor=background)
        model = self.model
        if model is None:
            text = " Pick a scenario and press r".ljust(width)[:width]
            return Strip([Segment(text, self._text_style(background))], width)
        if y == 0:
            return self._axis_line(width, background)
        if y == 1:
            return self._loop_line(width, background)
        if y == self.size.height - 1:
            return Strip([Segment(" ", base), *looks.legend(width - 2, model.wait_kinds(), background)]).crop_extend(0, width, base)
        at = self.rows.at(y - PINNED)
        if at is None:
            note = self.rows.note if y == PINNED + self.rows.shown * self.rows.height else ""
            return Strip([Segment(f" {note}", self._text_style(background) + Style(bold=True))]).crop_extend(0, width, base)
        row, within = at
        if row >= len(self._order):
            return Strip.blank(width, base)
        return self._task_line(self._order[row], within, width, background)

    def _axis_line(self, width: int, background: str) -> Strip:
        text = self._text_style(background) + Style(bold=True)
        chart = [" "] * self.chart_width
        for cell, _, label in ticks(self.start_ns, self.ns_per_cell, self.chart_width, min_gap=10):
            chart[cell] = "┬"
            if cell + 1 + len(label) <= len(chart):
                chart[cell + 1 : cell + 1 + len(label)] = label
        clock = f" {format_duration(self.now_ns)}"
        return Strip([Segment(clock.ljust(self.label_width + 1)[: self.label_width + 1], text),
                      Segment("".join(chart), text)]).crop_extend(0, width, Style(bgcolor=background))

    def _loop_line(self, width: int, background: str) -> Strip:
        model = self.model
        assert model is not None
        styles = looks.loop_styles(background)
        cells = model.loop_cells(self.start_ns, self.ns_per_cell, self.chart_width, self.now_ns if self.live_cursor else None)
        kinds = [int(kind) for kind, _ in cells]
        chars = [_LOOP_GLYPHS[kind] for kind in kinds]
        self._block_labels(chars, kinds)
        segments = [Segment(" event loop".ljust(self.label_width + 1), self._text_style(background) + Style(bold=True))]
        start = 0
        for i in range(1, len(kinds) + 1):
            if i == len(kinds) or kinds[i] != kinds[start]:
                segments.append(Segment("".join(chars[start:i]), styles[kinds[start]]))
                start = i
        return self._with_now(Strip(segments), width, background)

    def _block_labels(self, chars: list[str], kinds: list[int]) -> None:
        """Each block's length written inside its red bar, where it fits."""
        model = self.model
        assert model is not None
        for index in model.blocks:
            step = model.step(index)
            first = max(0, (step.start_ns - self.start_ns) // self.ns_per_cell)
            last = min(len(chars) - 1, (step.end_ns - 1 - self.start_ns) // self.ns_per_cell)
            text = f" blocked {format_duration(step.end_ns - step.start_ns)} "
            if len(text) > last - first + 1:
                text = f" {format_duration(step.end_ns - step.start_ns)} "
            if len(text) <= last - first + 1:
                chars[first : first + len(text)] = text
                kinds[first : first + len(text)] = [len(Lane)] * len(text)

    def _task_line(self, tid: int, within: int, width: int, background: str) -> Strip:
        model = self.model
        assert model is not None
        track = model.tracks[tid]
        cells = self._cells.get(tid)
        if cells is None:
            cells = self._cells[tid] = bytes(model.cells(tid, self.start_ns, self.ns_per_cell, self.chart_width,
                                                         self.now_ns if self.live_cursor else None, kinds=True))
        height = self.rows.height
        name_line = within == height - 2
        words_line = within == height - 1
        label = Segment(" " * (self.label_width + 1), Style(bgcolor=background))
        if name_line:
            label = self._name_label(tid, background)
        elif words_line and (height == TALL or track.state is not State.DONE):  # short rows: "done" is noise
            words, code = state_words(model, track)
            color = looks.code_color(code, background)
            indent = " " * (3 + self._depths.get(tid, 0))
            label = Segment(fit_cells(indent + words, self.label_width) + " ", Style(color=color, bgcolor=background))
        segments = [label, *bar(cells, looks.looks(background, track.thread), within, height)]
        return self._with_now(Strip(segments), width, background, within > 0 or height == 2)

    def _name_label(self, tid: int, background: str) -> Segment:
        """A task's name, bold; the selected one marked and in reverse."""
        model = self.model
        assert model is not None
        chosen = tid == self.selected
        text = fit_name(("▶ " if chosen else "  ") + " " * self._depths.get(tid, 0) + task_name(model, tid), self.label_width - 1)
        return Segment(" " + text + " ", self._text_style(background) + Style(bold=True, reverse=chosen))

    def _with_now(self, strip: Strip, width: int, background: str, paint: bool = True) -> Strip:
        """Cropped to the widget, the "now" column painted while the run goes on."""
        strip = strip.crop_extend(0, width, Style(bgcolor=background))
        if not self.live_cursor or not paint:
            return strip
        x = self.label_width + 1 + (self.now_ns - self.start_ns) // max(1, self.ns_per_cell)
        if not self.label_width < x < width:
            return strip
        head, cell, tail = strip.divide([x, x + 1, width])
        tint = Style(bgcolor=looks.now_color(background))
        cell = Strip([Segment(text, (own or Style()) + tint, control) for text, own, control in cell], cell.cell_length)
        return Strip.join([head, cell, tail])
