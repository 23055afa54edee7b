"""The ``perfetto`` export: a run as Chrome trace-event JSON, for Perfetto UI and chrome://tracing.

Layout (one process, the run):

* a track ("thread") for the event loop: one slice per step, named after the task that
  ran it; a step that held the loop for ``BLOCK_NS`` or more is a "blocked" slice;
* a track per task, named as the app names its row and sorted as the app sorts them
  (``thread_sort_index``), so each task sits under its parent; complete slices (``X``)
  for pending, running, awaiting (args: what it awaited and the line) and ready, and an
  instant for how it finished;
* flow arrows (``s`` / ``f``, binding to the enclosing slice) from the step that woke a
  task to the woken task, where the record shows the waker: a wake-up recorded inside
  another task's step (``Event.set``, ``Queue.put``, a task's last step waking its
  joiners). Sleeps are woken by the clock, and I/O or executor results by the loop
  between steps: those have no arrow, rather than a guessed one.

Timestamps are microseconds since the run started (the model's origin), as floats.
Everything is written in batches, so a run of a million rows never holds its whole trace.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from .. import __version__
from ..model.names import names_of
from ..model.timeline import State, TimelineModel, Track
from ..model.waits import STATE_MASK, kind_of_code
from ..recording.opened import Opened
from ..text import visible
from ..wire.record import KIND_BITS, KIND_MASK, LOCATION_MASK, Kind

PID = 1
LOOP_TID = 1  # tids start at 1: some viewers treat thread 0 as "no thread"
_BATCH = 2_000
_AWAITING, _WOKEN, _DONE = int(Kind.AWAITING), int(Kind.WOKEN), int(Kind.DONE)
_STEP_ROWS = frozenset({_AWAITING, int(Kind.YIELDED), _DONE})
# labels (see stage/awaits) of waits the clock or the loop's I/O ends: their wake-ups have no waker
_NOT_BY_A_STEP = ("sleep", "socket", "websocket", "waiting for a request", "executor", "to_thread", "getaddrinfo",
                  "serve_forever")
_ENDINGS = {State.DONE: "done", State.FAILED: "failed", State.CANCELLED: "cancelled"}
_SLICE_NAMES = {State.PENDING: "pending", State.RUNNING: "running", State.READY: "ready"}


def task_tid(task_id: int) -> int:
    return task_id + 2


def _us(ns: int) -> float:
    """Microseconds, to the nanosecond; never before the run's start (the format's times are >= 0)."""
    return round(max(ns, 0) / 1000, 3)


def export_perfetto(opened: Opened, out: TextIO) -> None:
    """Write the whole trace to ``out`` (see the module docstring for its layout)."""
    meta = opened.recording.meta
    other = {"scenario": opened.name, "python": str(meta.get("python", "")), "recorded_by": f"taskviz {meta.get('taskviz', '')}",
             "exported_by": f"taskviz {__version__}", "virtual_time": bool(meta.get("virtual_time"))}
    out.write('{"displayTimeUnit": "ms", "otherData": ' + json.dumps(other) + ', "traceEvents": [\n')
    batch: list[dict[str, Any]] = []
    first = True
    for event in trace_events(opened):
        batch.append(event)
        if len(batch) >= _BATCH:
            out.write(("" if first else ",\n") + json.dumps(batch)[1:-1])
            batch, first = [], False
    if batch:
        out.write(("" if first else ",\n") + json.dumps(batch)[1:-1])
    out.write("\n]}\n")


def trace_events(opened: Opened) -> Iterator[dict[str, Any]]:
    """Every trace event of the run: metadata, the loop's steps, each task's slices, the flows."""
    finished = opened.finished
    model = finished.model
    yield _meta("process_name", LOOP_TID, {"name": f"taskviz: {opened.name}"})
    yield _meta("thread_name", LOOP_TID, {"name": "event loop"})
    yield _meta("thread_sort_index", LOOP_TID, {"sort_index": 0})
    name = names_of(model)
    for position, tid in enumerate(model.order(), 1):
        track = model.tracks[tid]
        yield _meta("thread_name", task_tid(tid), {"name": "  " * min(track.depth, 5) + name(tid)})
        yield _meta("thread_sort_index", task_tid(tid), {"sort_index": position})
    yield from _loop_slices(model)
    awaits, flows = _scan(model)
    end_ns = max(model.end_ns, finished.run.wall_ns)
    for track in model.tracks:
        yield from _task_slices(model, track, awaits.get(track.info.id, []), end_ns)
    yield from _flows(model, flows)


def _meta(name: str, tid: int, args: dict[str, Any]) -> dict[str, Any]:
    return {"ph": "M", "name": name, "pid": PID, "tid": tid, "args": args}


def _loop_slices(model: TimelineModel) -> Iterator[dict[str, Any]]:
    blocked = set(model.blocks)
    strings = model.record.strings
    labels: dict[int, str] = {}  # a task runs many steps: label it once
    name_of = names_of(model)
    last_end = 0
    for index in range(len(model.step_starts)):
        start, end = max(model.step_starts[index], last_end), model.step_ends[index]
        end = max(end, start)
        last_end = end
        tid = model.step_tasks[index]
        label = labels.get(tid)
        if label is None:
            label = labels[tid] = name_of(tid)
        args = {"task": label, "line": visible(strings[model.step_locations[index]])}
        name, cat = label, "step"
        if index in blocked:
            name, cat = f"blocked: {label}", "step,blocked"
            args["held_at"] = visible(model.step_where(index))
        yield {"ph": "X", "name": name, "cat": cat, "pid": PID, "tid": LOOP_TID, "ts": _us(start), "dur": _us(end - start),
               "args": args}


def _scan(model: TimelineModel) -> tuple[dict[int, list[int]], list[tuple[int, int, int, int]]]:
    """One pass over the rows: per task, the args of its AWAITING rows in order (one per
    awaiting interval of its track); and each wake-up whose waker the record shows, as
    (waker, woken, when the waker's step woke it, when the woken became ready), in ns since the origin.

    A wake-up inside a step is recorded while the step runs, so its row comes before the
    step's own row (written when the step ends), which must span it. A task's last step
    wakes its joiners right after its DONE row, at the step's end.
    """
    record = model.record
    starts, times, codes, args = record.starts, record.times, record.codes, record.args
    strings, joins, tasks = record.strings, record.join_labels, record.tasks
    origin = model.origin_ns
    awaits: dict[int, list[int]] = {}
    label: dict[int, int] = {}
    pending: list[tuple[int, int]] = []  # (time, woken) since the last step row
    last_done: tuple[int, int, int] | None = None  # (task, start, end) of the step row just before, if it finished its task
    flows: list[tuple[int, int, int, int]] = []
    for index in range(model.consumed):
        code = codes[index]
        kind, tid = code & KIND_MASK, code >> KIND_BITS
        if kind == _WOKEN:
            t = times[index] - origin
            if last_done is not None and last_done[2] == t and label.get(tid, 0) in joins and last_done[0] != tid:
                flows.append((last_done[0], tid, _inside(t, last_done[1], t), t))
            elif _woken_by_a_step(strings[label.get(tid, 0)]):
                pending.append((t, tid))
            continue
        if kind not in _STEP_ROWS or tasks[tid].kind != "task":
            continue
        start, end = starts[index] - origin, times[index] - origin
        for t, woken in pending:
            if start <= t <= end and woken != tid:
                flows.append((tid, woken, _inside(t, start, end), t))
        pending.clear()
        last_done = (tid, start, end) if kind == _DONE else None
        if kind == _AWAITING:
            awaits.setdefault(tid, []).append(args[index])
            label[tid] = args[index] >> 32
    return awaits, flows


def _inside(t: int, start: int, end: int) -> int:
    """``t`` moved a nanosecond into a step that it ends: viewers bind a flow to the slice
    enclosing it, and a slice's end is not inside it."""
    return end - 1 if t >= end > start else t


def _woken_by_a_step(label: str) -> bool:
    """Whether what a task awaited is completed by another task's code (a Queue, an Event, a
    Lock...) rather than by the clock or the loop's I/O, whose wake-ups come between steps."""
    return not label.startswith(_NOT_BY_A_STEP)


def _task_slices(model: TimelineModel, track: Track, awaited: list[int], end_ns: int) -> Iterator[dict[str, Any]]:
    strings = model.record.strings
    tid = task_tid(track.info.id)
    times, states = track.times, track.states
    count = len(times)
    waits = iter(awaited)
    for i in range(count):
        state = State(states[i] & STATE_MASK)
        start = times[i]
        if state.finished:
            yield {"ph": "i", "s": "t", "name": _ENDINGS[state], "cat": "task", "pid": PID, "tid": tid, "ts": _us(start),
                   "args": _ending_args(track, state)}
            break
        end = max(start, times[i + 1] if i + 1 < count else end_ns)
        if state == State.AWAITING:
            packed = next(waits, 0)
            label, line = visible(strings[packed >> 32]), visible(strings[packed & LOCATION_MASK])
            yield _slice(tid, f"awaiting {label}" if label else "awaiting", "awaiting", start, end,
                         {"awaited": label, "line": line, "kind": kind_of_code(states[i]).name.lower()})
        elif end > start or state == State.RUNNING:
            yield _slice(tid, _SLICE_NAMES.get(state, state.name.lower()), _SLICE_NAMES.get(state, "other"), start, end, None)


def _slice(tid: int, name: str, cat: str, start: int, end: int, args: dict[str, Any] | None) -> dict[str, Any]:
    event: dict[str, Any] = {"ph": "X", "name": name, "cat": cat, "pid": PID, "tid": tid, "ts": _us(start),
                             "dur": _us(end - start)}
    if args is not None:
        event["args"] = args
    return event


def _ending_args(track: Track, state: State) -> dict[str, Any]:
    info = track.info
    if state == State.DONE:
        return {"result": visible(info.result or "")}
    return {"exception": visible(info.exception or ("CancelledError" if state == State.CANCELLED else "")),
            "raised_at": visible(info.raised_at)}


def _flows(model: TimelineModel, flows: list[tuple[int, int, int, int]]) -> Iterator[dict[str, Any]]:
    """An arrow from the waker's step to the woken task, for each wake-up ``_scan`` found."""
    name_of = names_of(model)
    for flow_id, (waker, woken, at, ready) in enumerate(flows, 1):
        name = f"wakes {name_of(woken)}"
        yield {"ph": "s", "id": flow_id, "name": name, "cat": "wake", "pid": PID, "tid": task_tid(waker), "ts": _us(at)}
        yield {"ph": "f", "bp": "e", "id": flow_id, "name": name, "cat": "wake", "pid": PID, "tid": task_tid(woken),
               "ts": _us(ready)}
