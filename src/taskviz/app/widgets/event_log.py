"""Created / started / awaiting / woken / resumed / done, newest last, one line per event.

Lines are formatted from the record's new events once a frame and written in one batch;
writing a line per event would cost ~100 µs each.
"""

from __future__ import annotations

from textual.widgets import Log

from ...text import visible
from ...wire.record import EventRecord, Kind, Outcome
from ...model.timeline import NS, TimelineModel

MAX_LINES = 2000
PER_FRAME = 120  # rows formatted per frame at most: more than anyone can read, and formatting is not free


class EventLog(Log):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(max_lines=MAX_LINES, id=id)
        self.border_title = "Events"
        self.filter_task: int | None = None
        self._model: TimelineModel | None = None
        self._read = 0
        self._started: set[int] = set()

    def show(self, model: TimelineModel | None) -> None:
        """Start over for another run."""
        self._model = model
        self._read = 0
        self._started = set()
        self.clear()
        # back to the top, so what is written next scrolls to its end as a fresh log's would
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._refresh_border()

    def set_filter(self, task: int | None) -> None:
        """Only ``task``'s events (None: everyone's): rebuilt from the record's start."""
        self.filter_task = task
        model = self._model
        self.show(model)
        self.catch_up()

    def add_prints(self, lines: list[str]) -> None:
        if lines and self.filter_task is None:
            self.write_lines([f"{'':>9}  │ {line}" for line in lines])

    def catch_up(self) -> None:
        """Write what the model has read since last time, in one batch."""
        model = self._model
        if model is None or self._read >= model.consumed:
            return
        record = model.record
        start, stop = self._read, model.consumed
        skipped = 0
        if stop - start > PER_FRAME:
            skipped, start = stop - start - PER_FRAME, stop - PER_FRAME
            self._started.update(record.codes[i] >> 4 for i in range(self._read, start))
        lines = [f"… {skipped:,} rows of events skipped: too many to read at this pace"] if skipped else []
        for event in record.events(start, stop):
            if self.filter_task is not None and event.task != self.filter_task:
                continue
            lines.append(self._line(record, model, event.time_ns - model.origin_ns, event.task, event.kind, event.arg))
        self._read = stop
        if lines:
            self.write_lines(lines)

    def _line(self, record: EventRecord, model: TimelineModel, t: int, tid: int, kind: Kind, arg: int) -> str:
        info = record.tasks[tid]
        who = f"{info.coro.split('.')[-1]}#{tid}"
        if kind == Kind.CREATED:
            parent = record.tasks[arg - 1].coro.split(".")[-1] if arg else None
            what = "created" + (f" by {parent}#{arg - 1}" if parent else "") + (f" at {info.created_at}" if info.created_at else "")
        elif kind == Kind.STARTED:
            what = "resumed" if tid in self._started else "started"
            self._started.add(tid)
        elif kind == Kind.AWAITING:
            what = f"awaiting {record.label(arg)} at {record.location(arg)}"
        elif kind == Kind.YIELDED:
            what = "yielded: ready again at once"
        elif kind == Kind.WOKEN:
            what = "woken: ready, waiting for the loop"
        else:
            outcome = Outcome(arg)
            if outcome is Outcome.OK:
                what = f"done → {info.result}" if info.result is not None else "done"
            elif outcome is Outcome.FAILED:
                what = f"failed: {info.exception}"
            else:
                what = "cancelled"
        return visible(f"{t / NS:>8.3f}s  {who:<18} {what}")

    def _refresh_border(self) -> None:
        model = self._model
        if self.filter_task is not None and model is not None and self.filter_task < len(model.tracks):
            info = model.tracks[self.filter_task].info
            self.border_title = visible(f"Events of {info.coro.split('.')[-1]}#{self.filter_task}")
        else:
            self.border_title = "Events"
