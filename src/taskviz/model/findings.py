"""Findings: what looks wrong in a run, each with its task and its line, as pure functions of the model.

The lints a reader of asyncio code would want pointed out, measured from the timeline
and from what the stage noticed (``EventRecord.alerts``):

* ``deadlock``: tasks waiting for each other in a cycle (``waitfor``): one finding per
  cycle, naming every task in it, even if a timeout elsewhere broke it later;
* ``blocking``: a step that held the loop ``BLOCKING_NS`` or more, with the call it was
  stuck in (``time.sleep(2)``, ``requests.api.get``) when the stall watch saw it;
* ``no_await``: a task that ran ``NO_AWAIT_NS`` or more over several steps without
  awaiting anything (only bare yields: ``sleep(0)``); one long step is ``blocking``'s;
* ``fire_and_forget``: a task nobody kept that failed unseen (asyncio's "Task exception
  was never retrieved"), was destroyed pending, or was still running when its main
  returned and was cancelled unfinished;
* ``self_wake``: a task that woke itself (a bare yield) in more than half of its
  wake-ups, ``SELF_WAKE_MIN`` times at least: a busy loop of ``sleep(0)``;
* ``never_awaited``: a coroutine made and never awaited (Python's RuntimeWarning).

A task is named as on its row (``names.task_name``, already safe to draw); the rest of
a message may hold the program's own text (an exception's), so a view passes it through
``taskviz.text.visible``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..wire.record import JOIN_OBJECTS, Alert, Outcome
from .axis import NS, format_duration
from .finding_kinds import KINDS
from .names import task_name
from .timeline import State, TimelineModel, Track
from .starved import first_starvation
from .waitfor import Cycle, Edge, waitfor_for
from .waits import STATE_MASK

BLOCKING_NS = 100_000_000
NO_AWAIT_NS = NS
SELF_WAKE_MIN = 20


_RUNNING, _READY, _AWAITING = int(State.RUNNING), int(State.READY), int(State.AWAITING)
_SELF_WAKE = bytes((_RUNNING, _READY))  # a step that ended ready at once: the task woke itself


@dataclass(frozen=True)
class Finding:
    """One thing found: its kind, the task (its name), the line, a sentence, and when (ns since the start)."""

    kind: str
    task: str
    line: str
    message: str
    at_ns: int
    task_ids: tuple[int, ...] = ()
    tasks: tuple[str, ...] = field(default=())  # every task named, for a deadlock all those in the cycle

    def to_json(self) -> dict[str, Any]:
        """The JSON form (``findings`` in the summary): a public interface, add keys, never rename."""
        return {"kind": self.kind, "task": self.task, "line": self.line, "message": self.message,
                "at_s": round(self.at_ns / NS, 6), "tasks": list(self.tasks or (self.task,)),
                "task_ids": list(self.task_ids)}


def findings(model: TimelineModel) -> list[Finding]:
    """Every finding in the run, in the order they happened (the most serious first at a tie)."""
    out = [*deadlocks(model), *starved_queues(model), *blocking(model), *no_await(model), *fire_and_forget(model),
           *self_wake(model), *never_awaited(model)]
    out.sort(key=lambda found: (found.at_ns, KINDS.index(found.kind)))
    return out


def deadlocks(model: TimelineModel) -> list[Finding]:
    if not model.record.targets and not model.record.target_base:  # nobody ever waited on a lock or a join
        return []
    return [_deadlock(model, cycle) for cycle in waitfor_for(model).cycles()]


def _deadlock(model: TimelineModel, cycle: Cycle) -> Finding:
    names = tuple(task_name(model, tid) for tid in cycle.tasks)
    edges = cycle.edges
    parts = [_edge_words(model, edge, edges[(i + 1) % len(edges)].task) for i, edge in enumerate(edges)]
    nobody = ("it can never go on", "neither can ever go on")[len(edges) - 1] if len(edges) <= 2 else "none of them can ever go on"
    message = f"{'; '.join(parts)}: {nobody} (from {format_duration(cycle.at_ns)})"
    return Finding("deadlock", names[0], edges[0].location, message, cycle.at_ns, cycle.tasks, names)


def _edge_words(model: TimelineModel, edge: Edge, next_task: int) -> str:
    waiter, other = task_name(model, edge.task), task_name(model, next_task)
    found = edge.object
    if found.kind == "lock":
        what = f"lock {found.name}" if found.name else "a lock"
        return f"{waiter} waits for {what}, held by {other}, at {edge.location}"
    via = "" if found.kind == "task" else f" (through {found.kind})"
    return f"{waiter} waits for {other} to finish{via}, at {edge.location}"


def starved_queues(model: TimelineModel) -> list[Finding]:
    """The first instant the program can only hang on a queue (see ``starved.py``): one finding."""
    found = first_starvation(model)
    if found is None:
        return []
    at, waits = found
    tids = tuple(dict.fromkeys(wait.task for wait in waits))
    names = tuple(task_name(model, tid) for tid in tids)
    queue = model.record.objects[waits[0].object]
    what = f"queue {queue.name}" if queue.name else "a queue"
    who = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    verb = "waits" if len(names) == 1 else "wait"
    message = (f"{who} {verb} on {what}, which no live task can fill any more: every task still alive is waiting "
               f"(from {format_duration(at)})")
    return [Finding("starved_queue", names[0], waits[0].location, message, at, tids, names)]


def blocking(model: TimelineModel) -> list[Finding]:
    calls = _stuck_calls(model.record.alerts)
    out = []
    for index in model.blocks:
        start, end = model.step_starts[index], model.step_ends[index]
        if end - start < BLOCKING_NS:
            continue
        tid = int(model.step_tasks[index])
        call = calls.get(start + model.origin_ns, "")
        what = f" in {call}" if call else ""
        name = task_name(model, tid)
        message = f"{name} held the event loop {format_duration(end - start)}{what}: no other task could run"
        out.append(Finding("blocking", name, model.step_where(index), message, start, (tid,)))
    return out


def _stuck_calls(alerts: list[Alert]) -> dict[int, str]:
    return {alert.time_ns: alert.text for alert in alerts if alert.kind == "stuck"}


def no_await(model: TimelineModel) -> list[Finding]:
    out = []
    for track in model.held():
        if track.thread or track.running_ns < NO_AWAIT_NS:
            continue
        stretch = _longest_stretch(track)
        if stretch is not None:
            start, running, steps = stretch
            name = task_name(model, track.info.id)
            message = (f"{name} ran {format_duration(running)} over {steps} steps without awaiting anything "
                       f"(only bare yields, like sleep(0)): it never waits for what it needs")
            out.append(Finding("no_await", name, track.info.created_at, message, start, (track.info.id,)))
    return out


def _longest_stretch(track: Track) -> tuple[int, int, int] | None:
    """(start, running ns, steps) of the first run of steps, with no await between, that ran NO_AWAIT_NS."""
    times, states = track.times, track.states
    start = running = steps = 0
    for i in range(len(states) - 1):
        state = states[i] & STATE_MASK
        if state == _RUNNING:
            if not steps:
                start = times[i]
            running += times[i + 1] - times[i]
            steps += 1
        elif state == _AWAITING:
            if running >= NO_AWAIT_NS and steps > 1:
                return start, running, steps
            start = running = steps = 0
    return (start, running, steps) if running >= NO_AWAIT_NS and steps > 1 else None


def fire_and_forget(model: TimelineModel) -> list[Finding]:
    out: dict[int, Finding] = {}
    tasks = model.record.tasks
    for alert in model.record.alerts:
        if alert.kind != "exception_handler" or not 0 <= alert.task < len(model.tracks):
            continue
        info = tasks[alert.task]
        name = task_name(model, alert.task)
        if "never retrieved" in alert.text:
            message = (f"{name} failed with {info.exception or alert.text} and nobody awaited it: "
                       f"asyncio could only log \"Task exception was never retrieved\"")
        elif "destroyed" in alert.text:
            message = f"{name} was destroyed while still pending: nobody kept a reference to it"
        else:
            continue
        out.setdefault(alert.task, Finding("fire_and_forget", name, info.created_at, message,
                                           alert.time_ns - model.origin_ns, (alert.task,)))
    joined = {tid for found in model.record.objects if found.kind in JOIN_OBJECTS for tid in found.tasks}
    for track in model.held():
        tid = track.info.id
        if tid not in out and tid not in joined and _cancelled_when_main_returned(model, track):
            root = model.record.tasks[_root(model, tid)].coro.rsplit(".", 1)[-1]
            name = task_name(model, tid)
            message = (f"{name} was still running when {root}() returned, so it was cancelled "
                       f"unfinished: nobody awaited it")
            out[tid] = Finding("fire_and_forget", name, track.info.created_at, message,
                               track.finished_ns or 0, (tid,))
    return list(out.values())


def _root(model: TimelineModel, tid: int) -> int:
    tasks = model.record.tasks
    while tasks[tid].parent is not None:
        tid = tasks[tid].parent  # type: ignore[assignment]
    return tid


def _cancelled_when_main_returned(model: TimelineModel, track: Track) -> bool:
    info = track.info
    if info.outcome is not Outcome.CANCELLED or info.parent is None or info.group == "server" or track.thread:
        return False
    root = model.tracks[_root(model, info.id)]
    ended = root.finished_ns
    return root.info.outcome is Outcome.OK and ended is not None and (track.finished_ns or 0) >= ended


def self_wake(model: TimelineModel) -> list[Finding]:
    out = []
    for track in model.held():
        if track.thread or track.steps < SELF_WAKE_MIN:
            continue
        states = track.states.tobytes()
        own = states.count(_SELF_WAKE)
        wakes = states.count(_READY)
        if own >= SELF_WAKE_MIN and 2 * own > wakes:
            name = task_name(model, track.info.id)
            message = (f"{name} woke itself {own} times of {wakes} (bare yields, like sleep(0) in a loop): "
                       f"it keeps the loop busy polling instead of awaiting what it waits for")
            out.append(Finding("self_wake", name, track.info.created_at, message, track.created_ns, (track.info.id,)))
    return out


def never_awaited(model: TimelineModel) -> list[Finding]:
    out = []
    for alert in model.record.alerts:
        if alert.kind != "warning" or "was never awaited" not in alert.text:
            continue
        tid = alert.task if 0 <= alert.task < len(model.tracks) else -1
        name = task_name(model, tid) if tid >= 0 else ""
        text = alert.text.split("\n", 1)[0].removeprefix("RuntimeWarning: ")
        message = f"{text}: calling a coroutine function only makes the coroutine; nothing runs until it is awaited"
        out.append(Finding("never_awaited", name, alert.where, message, max(0, alert.time_ns - model.origin_ns),
                           (tid,) if tid >= 0 else ()))
    return out
