"""A queue nobody can fill any more: tasks wait on it, and every task still alive is stuck.

The consumer's ``await queue.get()`` never returns when the producers have all finished
and nothing else is left to put; the program hangs (until a timeout ends it). It is
found the way a person reasons about it: at an instant when something changed (a task
finished, a wait began), a task is *stuck* if it waits on a queue, or on a lock held by
a stuck task, or on a join whose live tasks are all stuck. If every live task is stuck
and at least one waits on a queue, nobody can ever put into (or take from) that queue.

Only waits the stage paired with an object count; a task that waits on anything else
(a sleep, a socket, an event) might still act, so it is never called stuck: no false
alarm when a producer is merely slow.
"""

from __future__ import annotations

import heapq
import itertools
from itertools import compress
from array import array
from bisect import bisect_right
from collections.abc import Iterator

from .timeline import State, TimelineModel
from .wait_columns import OPEN, WaitColumns
from .waitfor import Wait, WaitFor, waitfor_for
from .waits import STATE_MASK
from ..wire.record import JOIN_OBJECTS

_NOT_ALIVE = frozenset({State.NONE, State.DONE, State.FAILED, State.CANCELLED})
_FINISHED, _CANCELLED = int(State.DONE), int(State.CANCELLED)
CHECKS_LIMIT = 2_000  # instants looked at: a run of 100,000 finishing tasks is not checked 100,000 times


def starved_at(waitfor: WaitFor, t: int) -> list[Wait] | None:
    """The queue waits of a program in which every live task is stuck at ``t``; None if some task can still act."""
    waits = {}
    for track in waitfor.model.held():  # one pass, left at the first task that can still act (most instants)
        if track.thread or track.state_at(t) in _NOT_ALIVE:
            continue
        wait = waitfor.wait_at(track.info.id, t)
        if wait is None:
            return None  # running, ready, sleeping, on the network...: it may still fill the queue
        waits[track.info.id] = wait
    stuck = {tid for tid, wait in waits.items() if waitfor.object(wait.object).kind == "queue"}
    if not stuck:
        return None
    changed = True
    while changed:
        changed = False
        for tid, wait in waits.items():
            if tid in stuck:
                continue
            found = waitfor.object(wait.object)
            if found.kind == "lock" or found.kind in JOIN_OBJECTS:
                targets = waitfor.waiting_for(wait, t)
                if targets and all(target in stuck for target in targets):
                    stuck.add(tid)
                    changed = True
    if len(stuck) < len(waits):
        return None
    return [wait for tid, wait in waits.items() if waitfor.object(wait.object).kind == "queue"]


def first_starvation(model: TimelineModel) -> tuple[int, list[Wait]] | None:
    """(when, the queue waits) of the first instant the program could only hang on a queue."""
    if not model.record.targets:
        return None
    waitfor = waitfor_for(model)
    queues = {found.id for found in model.record.objects if found.kind == "queue"}
    if not any(oid in queues for oid in set(waitfor.waits.objects)):
        return None
    for t in itertools.islice(_with_a_queue_wait_open(queues, waitfor.waits, model), CHECKS_LIMIT):
        found = starved_at(waitfor, t)
        if found:
            return t, found
    return None


def _with_a_queue_wait_open(queues: set[int], waits: WaitColumns, model: TimelineModel) -> Iterator[int]:
    """The instants worth a look, in order, while a queue wait is open: a wait beginning (the last
    task free may be the one that just began to wait) or a task ending.

    Read from the waits' columns and made as they are asked for: of a server's hundreds of
    thousands of waits, no object is made, and no instant past the few looked at."""
    ends = sorted(track.times[-1] for track in model.held() if _FINISHED <= track.states[-1] & STATE_MASK <= _CANCELLED)
    on_a_queue = list(map(queues.__contains__, waits.objects))
    opened = array("q", sorted(compress(waits.starts, on_a_queue)))  # when each queue wait began, and ended
    closed = array("q", sorted(end for end in compress(waits.ends, on_a_queue) if end != OPEN))
    last = None
    for t in heapq.merge(sorted(waits.starts), ends):
        if t != last and bisect_right(opened, t) > bisect_right(closed, t):  # a wait covers [start, end)
            yield t
        last = t
