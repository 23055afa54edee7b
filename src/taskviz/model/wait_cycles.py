"""The deadlocks of a run: every cycle of waits that ever formed in its wait-for graph.

A cycle can only form when a wait begins or a lock changes hands, so only those instants
are looked at, from the task the change concerns: the one that began to wait, or the
lock's new holder (every edge the change adds points at it, so any cycle it closes goes
through it). Linear in waits and hand-overs, however many tasks queue on one lock.

A finished run's findings ask this of every wait and hand-over of the run at once (a
server's hundreds of thousands): each is told from the graph's columns, and the search
itself runs only from the few seeds that could close a cycle.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..wire.record import JOIN_OBJECTS, WaitObject

if TYPE_CHECKING:
    from .waitfor import WaitFor

DFS_BUDGET = 10_000  # tasks looked at per instant checked: a pathological graph must not stall a view


@dataclass(frozen=True, slots=True)
class Edge:
    """At some instant, ``task`` waits on ``object`` and so for the tasks ``to`` (none: nobody in particular)."""

    task: int
    object: WaitObject
    to: tuple[int, ...]
    location: str


@dataclass(frozen=True, slots=True)
class Cycle:
    """Tasks each waiting for the next, the last for the first: a deadlock, from ``at_ns`` on."""

    at_ns: int
    edges: tuple[Edge, ...]  # edges[i].task waits for edges[i + 1].task (the last for the first)

    @property
    def tasks(self) -> tuple[int, ...]:
        return tuple(edge.task for edge in self.edges)


def cycles(graph: WaitFor) -> list[Cycle]:
    """Every distinct cycle of waits that formed, at the first instant it did, in time order."""
    on_tasks = frozenset(oid for oid, found in enumerate(graph.model.record.objects)
                         if found.kind == "lock" or found.kind in JOIN_OBJECTS)
    may_close = _may_close(graph, on_tasks)
    waits = graph.waits
    checks: list[tuple[int, int]] = [  # only the few that pass the cheap test are kept and sorted
        (start, task) for start, task, oid in zip(waits.starts, waits.tasks, waits.objects)
        if oid in on_tasks and may_close(task, start)]
    for times, tids in graph.hand_overs().values():
        checks.extend((t, holder) for t, holder in zip(times, tids) if holder >= 0 and may_close(holder, t))
    checks.sort()
    seen: set[frozenset[int]] = set()
    out = []
    for t, seed in checks:
        cycle = cycle_from(graph, seed, t)
        if cycle is not None and frozenset(cycle.tasks) not in seen:
            seen.add(frozenset(cycle.tasks))
            out.append(cycle)
    return out


def _may_close(graph: WaitFor, on_tasks: frozenset[int]) -> Callable[[int, int], bool]:
    """Whether a cycle through ``seed`` at ``t`` is possible at all: it waits on a lock or a join
    (``on_tasks``) for a task that waits on one too at ``t`` (a wait on anything else points
    at nobody, so a search could go no further from it).

    Most seeds wait for nobody (a lock's new holder runs), or for tasks that wait for nothing
    of the kind (a lock's holder running, or putting into a queue): told from the columns,
    without an object made."""
    wait_index, objects, waiting_for = graph.wait_index, graph.waits.objects, graph.waiting_for_object
    # each lock's hand-overs (``WaitFor.holder_at``), times as a list for this pass: a bisect
    # on an array makes an int at each probe
    changes = {oid: (times.tolist(), tids) for oid, (times, tids) in graph.hand_overs().items()
               if graph.object(oid).kind == "lock"}

    def may_close(seed: int, t: int) -> bool:
        index = wait_index(seed, t)
        if index < 0:
            return False
        oid = objects[index]
        if oid in changes:  # most of a server's: asked of the lock at once
            times, tids = changes[oid]
            i = bisect_right(times, t) - 1
            targets: tuple[int, ...] = (tids[i],) if i >= 0 and tids[i] >= 0 else ()
        elif oid in on_tasks:
            targets = waiting_for(oid, t)
        else:
            return False
        for target in targets:
            found = wait_index(target, t)
            if found >= 0 and objects[found] in on_tasks:
                return True
        return False

    return may_close


def cycle_from(graph: WaitFor, seed: int, t: int) -> Cycle | None:
    """A cycle through ``seed`` at ``t``, if its waits lead back to it."""
    path: list[Edge] = []
    on_path: set[int] = set()
    done: set[int] = set()
    budget = DFS_BUDGET
    stack: list[tuple[int, int]] = [(seed, 0)]  # (task, index of the next of its targets to try)
    while stack and budget:
        tid, next_index = stack[-1]
        if next_index == 0:
            wait = graph.wait_at(tid, t)
            edge = None if wait is None else Edge(tid, graph.object(wait.object), graph.waiting_for(wait, t), wait.location)
            if edge is None or not edge.to:
                stack.pop()
                done.add(tid)
                continue
            path.append(edge)
            on_path.add(tid)
            budget -= 1
        edge = path[-1]
        if next_index >= len(edge.to):
            stack.pop()
            path.pop()
            on_path.discard(tid)
            done.add(tid)
            continue
        stack[-1] = (tid, next_index + 1)
        target = edge.to[next_index]
        if target == seed:
            return Cycle(t, _rotated(tuple(path)))
        if target not in on_path and target not in done:
            stack.append((target, 0))
    return None


def _rotated(edges: tuple[Edge, ...]) -> tuple[Edge, ...]:
    """The cycle starting from its lowest task id: the same cycle reads the same from any seed."""
    first = min(range(len(edges)), key=lambda i: edges[i].task)
    return edges[first:] + edges[:first]
