"""A live run keeps a window: its oldest history is folded into totals, so a long run costs bounded memory.

A server left running under the app makes tasks for as long as it runs. The app's model
keeps every task's states in detail for the recent window only (``Window``): once it holds
ten thousand finished tasks (or a million rows) spanning more than the window, the tasks
that finished before the window's start are forgotten — each folded into :class:`History` (how many, how they ended, the time
they ran, awaited and were ready) and its track replaced by ``FORGOTTEN_TRACK`` — and
the tasks still held lose their states before it. The record forgets the rows, the
touches and the wait pairs, holds and levels the model and its views have already
taken in. The views that keep something per task or per wait of their own (names,
folding, the wait-for graph, the queue levels, the findings) forget their share through
a hook registered with :func:`on_forget`.

The app says so ("history before 1:02 summarised"): what is gone is not drawn, and the
saved run is the stage's whole stream (the spill file), never the window.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from ..wire.record import FORGOTTEN
from .history import WINDOW_S, History
from .timeline import FORGOTTEN_TRACK, NS, State, TimelineModel, Track
from .waits import STATE_MASK

HELD_FINISHED = 10_000
HELD_ROWS = 1_000_000
"""A live run's model forgets nothing while it holds fewer finished tasks and fewer rows than these:
a demo never forgets, and a paused run stepped across an hour-long sleep keeps what it showed (a
window of run time alone would not). A server passes the first; a few tasks busy for ever, the second."""


Forgetting = Callable[[TimelineModel, int], None]
_HOOKS: list[Forgetting] = []


def on_forget(hook: Forgetting) -> Forgetting:
    """Register ``hook(model, before_ns)``: called after the model forgot, before the record does,
    for a view's own per-task or per-wait data (it finds forgotten tasks as ``FORGOTTEN_TRACK``)."""
    _HOOKS.append(hook)
    return hook


class Window:
    """When a live run's model forgets, and up to when: once it holds many finished tasks or many
    rows over more than a window of ``seconds`` and a fifth, it forgets what finished before the
    last window. A fifth at a time: forgetting costs a pass over what is held, so it is done
    often and a little (~40 ms for 30,000 tasks held) rather than seldom and long."""

    def __init__(self, seconds: float = WINDOW_S, finished: int | None = None, rows: int | None = None) -> None:
        self.ns = int(seconds * NS)
        self.finished = HELD_FINISHED if finished is None else finished
        self.rows = HELD_ROWS if rows is None else rows

    def cut(self, model: TimelineModel) -> int | None:
        """The instant to forget before, or None while the model holds little enough."""
        finished = len(model.held()) - model.alive_count
        if finished < self.finished and model.consumed - model.record.row_base < self.rows:
            return None
        if model.end_ns - model.held_from_ns < self.ns + self.ns // 5:
            return None
        return model.end_ns - self.ns


def forget_before(model: TimelineModel, before_ns: int) -> History:
    """Forget what finished before ``before_ns`` (see the module docstring); the model's history after."""
    history = model.history if model.history is not None else History()
    tracks, record = model.tracks, model.record
    held: list[Track] = []
    for track in model.held():
        tid = track.info.id
        if tid and track.states[-1] & STATE_MASK >= State.DONE and track.times[-1] < before_ns:
            _fold(history, track)
            tracks[tid] = FORGOTTEN_TRACK
            record.tasks[tid] = FORGOTTEN
        else:
            _cut(track, before_ns)
            held.append(track)
    model.forgot(held)
    _forget_steps(model, before_ns)
    history.before_ns = max(history.before_ns, before_ns)
    model.history = history
    for hook in _HOOKS:
        hook(model, before_ns)
    rows = _first_row_at(model, before_ns)
    record.forget(rows, record.updated_base + len(record.updated), _targets_before(model, rows),
                  record.hold_base + len(record.holds) - len(record.holds) % 3,
                  record.level_base + len(record.levels) - len(record.levels) % 3)
    return history


def drop_before(t: int, times: array, *columns: array) -> None:
    """Drop the entries of ``times`` (in order) that ended before ``t``, and the same of each of
    ``columns`` beside it: the one in force at ``t`` stays. A view's step function, forgetting."""
    i = bisect_right(times, t) - 1
    if i > 0:
        for column in (times, *columns):
            del column[:i]


def _fold(history: History, track: Track) -> None:
    """A forgotten task's totals, added to the history's."""
    history.tasks += 1
    state = track.states[-1] & STATE_MASK
    history.outcomes[state] = history.outcomes.get(state, 0) + 1
    history.steps += track.steps
    history.running_ns += track.running_ns
    history.awaiting_ns += track.awaiting_ns
    if track.info.group != "server":
        history.waiting_ns += track.waiting_ns
    history.ready_ns += track.ready_ns


def _cut(track: Track, before_ns: int) -> None:
    """Drop a held track's states that ended before ``before_ns``: the one in force then stays."""
    times = track.times
    i = bisect_left(times, before_ns) - 1
    if i > 0:
        if track.born_ns < 0:
            track.born_ns = times[0]
        del times[:i]
        del track.states[:i]


def _forget_steps(model: TimelineModel, before_ns: int) -> None:
    """The loop's steps that began before ``before_ns`` go; the longest step is the window's then."""
    k = bisect_left(model.step_starts, before_ns)
    if not k:
        return
    ends, starts = model.step_ends, model.step_starts
    for column in (model.step_starts, model.step_ends, model.step_tasks, model.step_locations):
        del column[:k]
    model.blocks[:] = [index - k for index in model.blocks if index >= k]
    model.longest_step, model._longest_ns = -1, -1
    for index in range(len(ends)):
        if ends[index] - starts[index] > model._longest_ns:
            model.longest_step, model._longest_ns = index, ends[index] - starts[index]


def _first_row_at(model: TimelineModel, before_ns: int) -> int:
    """The record's first held row at or after ``before_ns``, among those the model has read."""
    record = model.record
    read = model.consumed - record.row_base
    return record.row_base + bisect_left(record.times, before_ns + model.origin_ns, 0, read)


def _targets_before(model: TimelineModel, rows: int) -> int:
    """How many of the record's wait pairs name rows before ``rows`` (all taken in by then)."""
    targets, base = model.record.targets, model.record.target_base
    end = len(targets) & ~1
    i = 0
    while i < end and targets[i] < rows:
        i += 2
    return base + i
