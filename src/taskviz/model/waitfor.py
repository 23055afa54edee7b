"""Who waits for whom, at any instant: the wait-for graph, and the cycles in it (deadlocks).

The stage pairs each wait on something that matters (a lock, a queue, an event, a join)
with a WaitObject (``EventRecord.targets``), and records who holds a lock once anyone
queues on it (``EventRecord.holds``). A wait lasts from its AWAITING row to the task's
next row (woken, or a step begun: a cancellation thrown in). At an instant, a waiting
task points at the tasks it cannot go on without: a join's tasks still alive, a lock's
holder. A cycle of such edges is a deadlock: none of its tasks can ever go on, whatever
the rest of the program does, unless something from outside (a timeout) breaks it.

Built from a model and kept up with it (``update``); times are ns since the run started,
as in the model.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from dataclasses import dataclass, field

from ..wire.record import JOIN_OBJECTS, KIND_BITS, KIND_MASK, LINE_BOUND_OBJECTS, LOCATION_MASK, Kind, WaitObject
from .per_model import PerModel
from .timeline import State, TimelineModel

_WOKEN = int(Kind.WOKEN)
_CREATED = int(Kind.CREATED)
_AWAITING = int(Kind.AWAITING)
DFS_BUDGET = 10_000  # tasks looked at per instant checked: a pathological graph must not stall a view


@dataclass(slots=True)
class Wait:
    """One wait of a task on an object: from ``start_ns`` to ``end_ns`` (None: still waiting)."""

    task: int
    object: int
    start_ns: int
    end_ns: int | None
    location: str  # "file:line" the task waits at

    def covers(self, t: int) -> bool:
        return self.start_ns <= t and (self.end_ns is None or t < self.end_ns)


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


@dataclass
class WaitFor:
    """The wait-for graph of a run, over time."""

    model: TimelineModel
    waits: list[Wait] = field(default_factory=list)  # in row order
    _by_task: dict[int, list[Wait]] = field(default_factory=dict)  # each task's waits, in order
    _starts: dict[int, list[int]] = field(default_factory=dict)  # and when each began, to bisect
    _holders: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)  # oid -> [(t, order, tid or -1)]
    _open: dict[int, Wait] = field(default_factory=dict)  # task -> its wait not ended yet
    _pending: dict[int, int] = field(default_factory=dict)  # row -> object id, for pairs not scanned yet
    _bound: dict[int, dict[int, int]] = field(default_factory=dict)  # task -> {AWAITING arg: object id} (LINE_BOUND_OBJECTS)
    _targets_seen: int = 0
    _holds_seen: int = 0
    _rows_seen: int = 0

    def __post_init__(self) -> None:
        self.update()

    # -- reading the record ------------------------------------------------------------

    def update(self) -> None:
        """Take in what the record holds now, up to the rows the model has folded."""
        record, origin = self.model.record, self.model.origin_ns
        holds = record.holds
        end = len(holds) - len(holds) % 3
        for i in range(self._holds_seen, end, 3):
            holder = int(holds[i + 2]) - 1
            insort(self._holders.setdefault(int(holds[i + 1]), []), (int(holds[i]) - origin, i, holder))
        self._holds_seen = end
        targets = record.targets
        stop = self.model.consumed
        pairs = len(targets) & ~1
        i = self._targets_seen
        while i < pairs and targets[i] < stop:
            self._pending[int(targets[i])] = int(targets[i + 1])
            i += 2
        self._targets_seen = i
        start = self._rows_seen
        while start < stop:
            if not self._open and not self._bound:  # nothing to follow until the next pair's row
                if not self._pending:
                    break
                start = max(start, min(self._pending))
            start = self._scan(start, stop)
        self._rows_seen = max(self._rows_seen, stop)

    def _open_wait(self, row: int, tid: int, oid: int) -> None:
        record = self.model.record
        location = record.strings[int(record.args[row]) & LOCATION_MASK]
        wait = Wait(tid, oid, int(record.times[row]) - self.model.origin_ns, None, location)
        self.waits.append(wait)
        self._by_task.setdefault(tid, []).append(wait)
        self._starts.setdefault(tid, []).append(wait.start_ns)
        self._open[tid] = wait

    def _scan(self, start: int, stop: int) -> int:
        """Rows ``start``..``stop``: a task's next row ends its wait; an AWAITING row paired with an
        object, or at a line bound to one, begins one. Returns where it stopped: at ``stop``, or
        earlier once there is nothing left to follow (see ``update``)."""
        record, origin = self.model.record, self.model.origin_ns
        codes, args = record.codes, record.args
        open_waits, pending, bound = self._open, self._pending, self._bound
        for index in range(start, stop):
            code = codes[index]
            tid, kind = code >> KIND_BITS, code & KIND_MASK
            wait = open_waits.get(tid)
            if wait is not None and kind != _CREATED:
                column = record.times if kind == _WOKEN else record.starts
                wait.end_ns = max(wait.start_ns, int(column[index]) - origin)
                del open_waits[tid]
            if kind != _AWAITING:
                if not open_waits and not bound and not pending:
                    return index + 1
                continue
            oid = pending.pop(index, None)
            if oid is not None:
                if record.objects[oid].kind in LINE_BOUND_OBJECTS:
                    bound.setdefault(tid, {})[int(args[index])] = oid
            else:
                lines = bound.get(tid)
                oid = lines.get(int(args[index])) if lines is not None else None
            if oid is not None:
                self._open_wait(index, tid, oid)
        return stop

    # -- questions ---------------------------------------------------------------------

    def object(self, oid: int) -> WaitObject:
        return self.model.record.objects[oid]

    def wait_at(self, tid: int, t: int) -> Wait | None:
        """What task ``tid`` waits on at ``t``, if it waits on a known object then."""
        starts = self._starts.get(tid)
        if not starts:
            return None
        i = bisect_right(starts, t) - 1
        if i < 0:
            return None
        wait = self._by_task[tid][i]
        return wait if wait.covers(t) else None

    def holder_at(self, oid: int, t: int) -> int | None:
        """The task holding lock ``oid`` at ``t``, if a traced task did."""
        changes = self._holders.get(oid)
        if not changes:
            return None
        i = bisect_right(changes, (t, float("inf"), 0)) - 1
        if i < 0:
            return None
        holder = changes[i][2]
        return holder if holder >= 0 else None

    def waiting_for(self, wait: Wait, t: int) -> tuple[int, ...]:
        """The tasks ``wait`` makes its task wait for at ``t``: a join's still alive, a lock's holder."""
        found = self.object(wait.object)
        if found.kind == "lock":
            holder = self.holder_at(wait.object, t)
            return () if holder is None else (holder,)
        if found.kind in JOIN_OBJECTS:
            tracks = self.model.tracks
            return tuple(tid for tid in found.tasks if tid < len(tracks) and _alive(tracks[tid].state_at(t)))
        return ()

    def edges_at(self, t: int) -> list[Edge]:
        """Every known wait going on at ``t``, with whom it waits for."""
        out = []
        for tid in self._by_task:
            wait = self.wait_at(tid, t)
            if wait is not None:
                out.append(Edge(tid, self.object(wait.object), self.waiting_for(wait, t), wait.location))
        return out

    def cycles(self) -> list[Cycle]:
        """Every distinct cycle of waits that formed, at the first instant it did, in time order.

        A cycle can only form when a wait begins or a lock changes hands, so only those
        instants are looked at, from the task the change concerns: the one that began to
        wait, or the lock's new holder (every edge the change adds points at it, so any
        cycle it closes goes through it). Linear in waits and hand-overs, however many
        tasks queue on one lock.
        """
        checks: list[tuple[int, int]] = []
        for wait in self.waits:
            found = self.object(wait.object)
            if found.kind == "lock" or found.kind in JOIN_OBJECTS:
                checks.append((wait.start_ns, wait.task))
        for changes in self._holders.values():
            checks.extend((t, holder) for t, _, holder in changes if holder >= 0)
        checks.sort()
        seen: set[frozenset[int]] = set()
        out = []
        for t, seed in checks:
            cycle = self._cycle_from(seed, t)
            if cycle is not None and frozenset(cycle.tasks) not in seen:
                seen.add(frozenset(cycle.tasks))
                out.append(cycle)
        return out

    def _cycle_from(self, seed: int, t: int) -> Cycle | None:
        """A cycle through ``seed`` at ``t``, if its waits lead back to it."""
        path: list[Edge] = []
        on_path: set[int] = set()
        done: set[int] = set()
        budget = DFS_BUDGET
        stack: list[tuple[int, int]] = [(seed, 0)]  # (task, index of the next of its targets to try)
        while stack and budget:
            tid, next_index = stack[-1]
            if next_index == 0:
                wait = self.wait_at(tid, t)
                edge = None if wait is None else Edge(tid, self.object(wait.object), self.waiting_for(wait, t), wait.location)
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


_GRAPHS: PerModel[WaitFor] = PerModel(WaitFor)


def waitfor_for(model: TimelineModel) -> WaitFor:
    """The one ``WaitFor`` of ``model``, brought up to date: the findings, the app's deadlock
    line and the graph view read the same graph, each taking in only rows new since."""
    graph = _GRAPHS.of(model)
    graph.update()
    return graph


def _alive(state: State) -> bool:
    return state is not State.NONE and not state.finished


def _rotated(edges: tuple[Edge, ...]) -> tuple[Edge, ...]:
    """The cycle starting from its lowest task id: the same cycle reads the same from any seed."""
    first = min(range(len(edges)), key=lambda i: edges[i].task)
    return edges[first:] + edges[:first]
