"""What the wait-for graph adds beside the stage's wait objects: the executor jobs a task
waits on, and who may still fill a queue a task waits on.

A task awaiting ``to_thread`` or ``run_in_executor`` waits for a thread job, which the
record has as a row of its own (``kind`` "thread") made by that task. A queue's fillers
are the tasks that put into it: each rise of its level (``primitives``) happened inside
a step, and the step says whose. Both are read from the model; the stage records nothing
more for them.
"""

from __future__ import annotations

from bisect import bisect_right

from ..wire.record import WaitObject
from .primitives import primitives_for
from .timeline import State, TimelineModel
from .waitfor import Edge
from .waits import WaitKind

EXECUTOR = WaitObject(-1, "executor")
_ENDED = frozenset({State.NONE, State.DONE, State.FAILED, State.CANCELLED})


def executor_edges(model: TimelineModel, t: int) -> list[Edge]:
    """task -> its thread jobs still running at ``t``, for each task awaiting an executor then."""
    jobs: dict[int, list[int]] = {}
    for track in model.held():
        parent = track.info.parent
        if track.thread and parent is not None and track.state_at(t) not in _ENDED:
            jobs.setdefault(parent, []).append(track.info.id)
    out = []
    for tid, running in jobs.items():
        if tid < len(model.tracks) and model.tracks[tid].wait_at(t) is WaitKind.EXECUTOR:
            out.append(Edge(tid, EXECUTOR, tuple(running), ""))
    return out


def queue_fillers(model: TimelineModel, oid: int, t: int) -> tuple[int, ...] | None:
    """The tasks that put into queue ``oid`` before ``t`` and are alive at ``t`` (who may fill
    it again); None when that is not known: no levels recorded, or a put that cannot be
    told to one step (better nothing said than a wrong "nobody left")."""
    levels = primitives_for(model).levels.get(oid)
    if levels is None:
        return None
    starts, ends, tasks = model.step_starts, model.step_ends, model.step_tasks
    putters: dict[int, None] = {}
    before = 0
    for time, value in zip(levels.times, levels.values):
        if time > t:
            break
        if value > before:
            i = bisect_right(starts, time) - 1
            if i < 0 or ends[i] < time:
                return None  # put from no task's step (a callback): who fills it is not known
            if i > 0 and ends[i - 1] >= time:
                return None  # steps of no length at one instant (a virtual clock): whose put it was is not known
            putters[int(tasks[i])] = None
        before = value
    return tuple(tid for tid in putters if tid < len(model.tracks) and model.tracks[tid].state_at(t) not in _ENDED)
