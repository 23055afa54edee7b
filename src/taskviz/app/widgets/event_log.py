"""Created / started / awaiting / woken / resumed / done, and the program's prints, in time order.

Lines are formatted from the record's new events once a frame and written in one batch;
writing a line per event would cost ~100 µs each.

The record is not in time order everywhere: a step's own row comes after the tasks it
created, an executor job's start and end are measured on its thread and moved into the
record when the loop next gets to them (later still if a step blocks the loop), and the
program's prints come through a pipe, apart from the events around them. So each line
keeps its instant: a batch is sorted, prints wait for the events to reach them
(``log_lines.HeldPrints``), and lines from before the last one shown are merged in where
they belong (the log rewritten from its kept lines: rare, a few ms), so the log always
reads in time order.
"""

from __future__ import annotations

from bisect import bisect_right
from heapq import merge
from operator import itemgetter
from typing import Any

from textual.content import Content
from textual.timer import Timer
from textual.widgets import Log

from ...model.names import task_name
from ...model.timeline import FORGOTTEN_TRACK, TimelineModel
from .log_lines import HeldPrints, Line, event_line, print_lines

MAX_LINES = 2000
PER_FRAME = 120  # rows formatted per frame at most: more than anyone can read, and formatting is not free
HOLD_S = 0.25  # with no frame to place them (a paused replay), held prints are written after this

_TIME = itemgetter(0)


class EventLog(Log):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(max_lines=MAX_LINES, id=id)
        self.border_title = "Events"
        self.filter_task: int | None = None
        self._model: TimelineModel | None = None
        self._read = 0
        self._started: set[int] = set()
        self._forgot_at = 0  # the model's window start when ``_started`` was last pruned (see ``retention``)
        self._times: list[int] = []  # the instant of each line shown, in order: sorted
        self._prints: list[Line] = []  # the program's output placed so far, to show again when a filter is lifted
        self._held = HeldPrints()
        self._hold_timer: Timer | None = None

    def show(self, model: TimelineModel | None) -> None:
        """Start over for another run, or another position of a replay."""
        self._prints, self._held = [], HeldPrints()
        self._restart(model)

    def set_filter(self, task: int | None) -> None:
        """Only ``task``'s events (None: everyone's, and the prints): rebuilt from the record's start."""
        self.filter_task = task
        self._restart(self._model)
        if task is None:
            self._add(list(self._prints))
        self.catch_up()

    def add_output(self, outputs: list[dict[str, Any]]) -> None:
        """The program's output, held until the next ``catch_up`` places it among the events."""
        origin = self._model.origin_ns if self._model is not None else 0
        for output in outputs:
            self._held.add(print_lines(output, origin))
        if self._held and self._hold_timer is None:
            self._hold_timer = self.set_timer(HOLD_S, self._release_held)

    def catch_up(self) -> None:
        """Write what the model has read since last time, and the prints it has reached, in one batch."""
        model = self._model
        if model is None:
            return
        lines = self._events(model) if self._read < model.consumed else []
        if self._held:
            lines += self._placed(self._held.take(model.end_ns, self._latest()))
        self._add(lines)

    def _events(self, model: TimelineModel) -> list[Line]:
        record = model.record
        history = model.history
        if history is not None and history.before_ns != self._forgot_at:  # a live run's window forgot tasks
            self._forgot_at = history.before_ns
            self._started = {tid for tid in self._started if model.tracks[tid] is not FORGOTTEN_TRACK}
        start, stop = max(self._read, record.row_base), model.consumed
        skipped = 0
        if stop - start > PER_FRAME:
            skipped, start = stop - start - PER_FRAME, stop - PER_FRAME
            base = record.row_base
            self._started.update(record.codes[i - base] >> 4 for i in range(max(self._read, base), start))
        lines: list[Line] = []
        for event in record.events(start, stop):
            if self.filter_task is not None and event.task != self.filter_task:
                continue
            t = event.time_ns - model.origin_ns
            lines.append((t, event_line(model, t, event.task, event.kind, event.arg, self._started)))
        if skipped:
            first = min((t for t, _ in lines), default=self._latest())
            lines.insert(0, (first, f"… {skipped:,} rows of events skipped: too many to read at this pace"))
        self._read = stop
        return lines

    def _release_held(self) -> None:
        """No frame came to place the held prints (a paused replay): written after what is shown."""
        self._hold_timer = None
        self._add(self._placed(self._held.take_all(self._latest())))

    def _placed(self, lines: list[Line]) -> list[Line]:
        """Prints given their place: kept, to show again when a filter is lifted; those to write now."""
        self._prints += lines
        del self._prints[:-MAX_LINES]
        return lines if self.filter_task is None else []

    def _latest(self) -> int:
        """The latest instant known: of the last line shown, or of the last event read."""
        return max(self._times[-1] if self._times else 0, self._model.end_ns if self._model is not None else 0)

    # -- writing in time order -------------------------------------------------------------------

    def _restart(self, model: TimelineModel | None) -> None:
        self._model = model
        self._read = 0
        self._started = set()
        self._times = []
        self.clear()
        # back to the top, so what is written next scrolls to its end as a fresh log's would
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._refresh_border()

    def _add(self, lines: list[Line]) -> None:
        """Write ``lines`` where their instants put them: at the end, or merged in before it."""
        if not lines:
            return
        lines.sort(key=_TIME)  # stable: lines of one instant keep the record's order
        # one log line per text line, as Log.write_lines splits them: the instants must stay in step
        lines = [(t, part) for t, text in lines for part in text.splitlines()]
        if not self._times or lines[0][0] >= self._times[-1]:
            self._times += [t for t, _ in lines]
            full = len(self._times) > MAX_LINES
            self.write_lines([text for _, text in lines])
            del self._times[:-MAX_LINES]
            if full:  # Textual's Log repaints the new lines where they were before its oldest were dropped:
                self.refresh()  # below the end, so a full log would show stale lines until scrolled
            return
        at = bisect_right(self._times, lines[0][0])
        shown = list(zip(self._times, self.lines))
        self._rewrite(shown[:at] + list(merge(shown[at:], lines, key=_TIME)))

    def _rewrite(self, lines: list[Line]) -> None:
        """The whole log again from ``lines``, kept where the reader had scrolled to unless at the end."""
        lines = lines[-MAX_LINES:]
        at_end, y = self.is_vertical_scroll_end, self.scroll_offset.y
        self.clear()
        if at_end:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self._times = [t for t, _ in lines]
        self.write_lines([text for _, text in lines], scroll_end=at_end)
        if not at_end:
            self.scroll_to(y=y, animate=False, immediate=True)

    def _refresh_border(self) -> None:
        model = self._model
        if self.filter_task is not None and model is not None and self.filter_task < len(model.tracks):
            self.border_title = Content(f"Events of {task_name(model, self.filter_task)}")  # plain: a name is not markup
        else:
            self.border_title = "Events"
