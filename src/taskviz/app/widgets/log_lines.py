"""The event log's lines in words, each with its instant, and the prints waiting for their place.

Kept apart from the widget: what a line says and when it belongs are plain functions of the
record, and the widget only keeps them in time order on screen.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len

from ...model.names import task_name
from ...model.timeline import NS, TimelineModel
from ...text import visible
from ...wire.record import Kind, Outcome

Line = tuple[int, str]  # (ns since the run's start, text)

NAME_CELLS = 18  # the name column: names this long or shorter line the events up
_MARKS = {"stderr": "!", "note": "note: "}


def event_line(model: TimelineModel, t: int, tid: int, kind: Kind, arg: int, started: set[int]) -> str:
    """One event: its instant, the task's name (as its row has it) and what happened.
    ``started``: the tasks seen starting already, so that the next start reads "resumed"."""
    record = model.record
    info = record.tasks[tid]
    who = task_name(model, tid)
    if kind == Kind.CREATED:
        parent = f" by {task_name(model, arg - 1)}" if arg else ""
        what = "created" + parent + (f" at {info.created_at}" if info.created_at else "")
    elif kind == Kind.STARTED:
        what = "resumed" if tid in started else "started"
        started.add(tid)
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
    return f"{t / NS:>8.3f}s  {who}{' ' * max(1, NAME_CELLS + 1 - cell_len(who))}{visible(what)}"


def print_lines(output: dict[str, Any], origin_ns: int) -> list[Line]:
    """A chunk of the program's output (``{"t": record clock ns, "stream", "text"}``), a line
    each, made visible; the time column is left blank: the instant is when it was read."""
    t = int(output.get("t") or 0) - origin_ns
    mark = _MARKS.get(str(output.get("stream")), "")
    return [(t, f"{'':>9}  │ {mark}{visible(line)}") for line in str(output.get("text", "")).splitlines() if line.strip()]


class HeldPrints:
    """Prints waiting for the events around them.

    A print comes through its pipe, often a little before the rows of the step that made it.
    It waits until the events read reach its instant, to be written among them; if they
    have not by the next time it is asked (the run is idle, ended, or behind), it goes
    after what is shown: never later, since before the run's start is known a print's
    instant means nothing.
    """

    def __init__(self) -> None:
        self._fresh: list[Line] = []  # come since the last take
        self._waited: list[Line] = []  # waited through one take already

    def __bool__(self) -> bool:
        return bool(self._fresh or self._waited)

    def add(self, lines: list[Line]) -> None:
        self._fresh += lines

    def take(self, reached: int, latest: int) -> list[Line]:
        """The prints the events have ``reached``, and those that waited long enough, at ``latest``."""
        due = [line for line in self._waited + self._fresh if line[0] <= reached]
        due += [(min(t, latest), text) for t, text in self._waited if t > reached]
        self._fresh, self._waited = [], [line for line in self._fresh if line[0] > reached]
        return due

    def take_all(self, latest: int) -> list[Line]:
        """Every print held, none after ``latest``: nothing more is coming to place them."""
        due = [(min(t, latest), text) for t, text in self._waited + self._fresh]
        self._fresh, self._waited = [], []
        return due
