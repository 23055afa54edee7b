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

from array import array
from bisect import bisect_right
from dataclasses import dataclass, field

from ..wire.record import JOIN_OBJECTS, KIND_BITS, KIND_MASK, LINE_BOUND_OBJECTS, LOCATION_MASK, Kind, WaitObject
from .per_model import PerModel
from .retention import drop_before, on_forget
from .timeline import FORGOTTEN_TRACK, State, TimelineModel
from .wait_columns import OPEN, Wait, WaitColumns

__all__ = ["Cycle", "Edge", "Wait", "WaitFor", "waitfor_for"]

_WOKEN = int(Kind.WOKEN)
_CREATED = int(Kind.CREATED)
_AWAITING = int(Kind.AWAITING)
_DONE = int(Kind.DONE)
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


@dataclass
class WaitFor:
    """The wait-for graph of a run, over time."""

    model: TimelineModel
    waits: WaitColumns = field(init=False)  # in row order, but a pair that came after its row is taken in then
    # each task's waits as indexes into ``waits``: the one index of a task that waited once (most
    # tasks of a server: an array each would cost ~100 bytes more), else an array of them in order
    _by_task: dict[int, int | array] = field(default_factory=dict)
    # oid -> (times, holder task ids or -1 for free), by time; equal times in the order recorded
    _holders: dict[int, tuple[array, array]] = field(default_factory=dict)
    _open: dict[int, int] = field(default_factory=dict)  # task -> its wait not ended yet
    _pending: dict[int, int] = field(default_factory=dict)  # row -> object id, for pairs not scanned yet
    # task -> {AWAITING arg: object id} (LINE_BOUND_OBJECTS), dropped when the task ends: it waits no more
    _bound: dict[int, dict[int, int]] = field(default_factory=dict)
    _targets_seen: int = 0
    _holds_seen: int = 0
    _rows_seen: int = 0

    def __post_init__(self) -> None:
        self.waits = WaitColumns(self.model.record.strings)
        self.update()

    # -- reading the record ------------------------------------------------------------

    def update(self) -> None:
        """Take in what the record holds now, up to the rows the model has folded."""
        # every cursor counts from the run's first row, pair and triple: a live run's window forgets
        # the ones taken in (``retention``), and the ``*_base`` say how many
        record = self.model.record
        self._take_holds()
        targets, target_base = record.targets, record.target_base
        stop = self.model.consumed
        pairs = len(targets) & ~1
        i = max(0, self._targets_seen - target_base)
        pending, seen = self._pending, self._rows_seen
        while i < pairs and targets[i] < stop:
            row = targets[i]
            pending[row] = targets[i + 1]
            if row < seen:  # its row was read before the pair came (a view asked in between)
                self._scan(row, seen, only=record.codes[row - record.row_base] >> KIND_BITS)
            i += 2
        self._targets_seen = target_base + i
        start = max(self._rows_seen, record.row_base)
        while start < stop:
            if not self._open and not self._bound:  # nothing to follow until the next pair's row
                if not self._pending:
                    break
                start = max(start, min(self._pending))
            start = self._scan(start, stop)
        self._rows_seen = max(self._rows_seen, stop)

    def _take_holds(self) -> None:
        """The lock hand-overs recorded since the last look, each into its lock's changes."""
        record, origin, holders = self.model.record, self.model.origin_ns, self._holders
        holds = record.holds
        end = len(holds) - len(holds) % 3
        first = max(0, self._holds_seen - record.hold_base)
        for at_ns, oid, holder in zip(holds[first:end:3], holds[first + 1:end:3], holds[first + 2:end:3]):
            changes = holders.get(oid)
            if changes is None:
                changes = holders[oid] = (array("q"), array("q"))
            times, tids = changes
            t = at_ns - origin
            if not times or times[-1] <= t:
                times.append(t)
                tids.append(holder - 1)
            else:  # a lock's first holder, recorded when someone first queued on it: after any change at its time
                at = bisect_right(times, t)
                times.insert(at, t)
                tids.insert(at, holder - 1)
        self._holds_seen = record.hold_base + end

    def _scan(self, start: int, stop: int, only: int | None = None) -> int:
        """Rows ``start``..``stop``: a task's next row ends its wait; an AWAITING row paired with an
        object, or at a line bound to one, begins one. Returns where it stopped: at ``stop``, or
        earlier once there is nothing left to follow (see ``update``).

        ``only``: read task ``only``'s rows alone, again: the stream sends a flush's rows before
        its pairs, and a view that asks between the two has read the rows without them.

        Once a run is over, its first look reads every row here: hence the locals, and no
        call but for a row that begins a wait."""
        record, origin = self.model.record, self.model.origin_ns
        codes, args, times, step_starts, base = record.codes, record.args, record.times, record.starts, record.row_base
        objects = record.objects
        open_waits, pending, bound = self._open, self._pending, self._bound
        waits, by_task, tasks = self.waits, self._by_task, record.tasks
        starts, ends = waits.starts, waits.ends
        add_task, add_object, add_start, add_end, add_location = (
            column.append for column in (waits.tasks, waits.objects, starts, ends, waits.locations))
        created, awaiting, woken, done = _CREATED, _AWAITING, _WOKEN, _DONE
        rows: range | list[int] = range(start, stop)
        if only is not None:
            rows = [index for index in rows if codes[index - base] >> KIND_BITS == only]
        for index in rows:
            held = index - base
            code = codes[held]
            tid, kind = code >> KIND_BITS, code & KIND_MASK
            if tid in open_waits and kind != created:
                wait = open_waits.pop(tid)
                end = (times[held] if kind == woken else step_starts[held]) - origin
                ends[wait] = max(starts[wait], end)
            if kind == awaiting:
                oid = pending.pop(index, None)
                if oid is not None:
                    if objects[oid].kind in LINE_BOUND_OBJECTS:
                        bound.setdefault(tid, {})[args[held]] = oid
                elif bound:
                    lines = bound.get(tid)
                    oid = None if lines is None else lines.get(args[held])
                if oid is not None:  # a wait begins: see ``WaitColumns.add``
                    new = open_waits[tid] = len(starts)
                    add_task(tid)
                    add_object(oid)
                    add_start(times[held] - origin)
                    add_end(OPEN)
                    add_location(args[held] & LOCATION_MASK)
                    mine = by_task.get(tid)
                    if mine is None:
                        by_task[tasks[tid].id] = new  # keyed by the task's own id int: none made per task
                    elif isinstance(mine, int):
                        by_task[tid] = array("q", (mine, new))
                    else:
                        mine.append(new)
                    continue
            elif kind == done and bound:
                bound.pop(tid, None)
            if not open_waits and not bound and not pending:
                return index + 1
        return stop

    def forget_before(self, t: int) -> None:
        """Drop the waits that ended before ``t`` and every wait of a forgotten task, and the
        lock hand-overs before ``t`` but the one in force then (see ``retention``)."""
        self.update()
        tracks, waits = self.model.tracks, self.waits
        kept = [index for index, (task, end) in enumerate(zip(waits.tasks, waits.ends))
                if (end == OPEN or end >= t) and tracks[task] is not FORGOTTEN_TRACK]
        moved = {old: new for new, old in enumerate(kept)}
        self.waits = waits.only(kept)
        by_task: dict[int, int | array] = {}
        for tid, mine in self._by_task.items():
            indexes = [moved[i] for i in ((mine,) if isinstance(mine, int) else mine) if i in moved]
            if indexes:
                by_task[tid] = indexes[0] if len(indexes) == 1 else array("q", indexes)
        self._by_task = by_task
        self._open = {tid: moved[index] for tid, index in self._open.items() if index in moved}
        self._bound = {tid: lines for tid, lines in self._bound.items() if tracks[tid] is not FORGOTTEN_TRACK}
        for times, tids in self._holders.values():
            drop_before(t, times, tids)

    # -- questions ---------------------------------------------------------------------

    def object(self, oid: int) -> WaitObject:
        return self.model.record.objects[oid]

    def wait_at(self, tid: int, t: int) -> Wait | None:
        """What task ``tid`` waits on at ``t``, if it waits on a known object then."""
        index = self._wait_index(tid, t)
        return None if index < 0 else self.waits[index]

    def _wait_index(self, tid: int, t: int) -> int:
        """``wait_at``'s wait as an index into ``waits``; -1 for none."""
        mine = self._by_task.get(tid)
        if mine is None:
            return -1
        if isinstance(mine, int):
            index = mine
        else:
            i = bisect_right(mine, t, key=self.waits.starts.__getitem__) - 1
            if i < 0:
                return -1
            index = mine[i]
        return index if self.waits.covers(index, t) else -1

    def holder_at(self, oid: int, t: int) -> int | None:
        """The task holding lock ``oid`` at ``t``, if a traced task did."""
        changes = self._holders.get(oid)
        if not changes:
            return None
        times, tids = changes
        i = bisect_right(times, t) - 1
        if i < 0:
            return None
        holder = tids[i]
        return holder if holder >= 0 else None

    def waiting_for(self, wait: Wait, t: int) -> tuple[int, ...]:
        """The tasks ``wait`` makes its task wait for at ``t``: a join's still alive, a lock's holder."""
        return self._waiting_for(wait.object, t)

    def _waiting_for(self, oid: int, t: int) -> tuple[int, ...]:
        found = self.object(oid)
        if found.kind == "lock":
            holder = self.holder_at(oid, t)
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
        objects = self.model.record.objects
        waits, may_close = self.waits, self._may_close
        checks: list[tuple[int, int]] = [  # only the few that pass the cheap test are kept and sorted
            (start, task) for start, task, oid in zip(waits.starts, waits.tasks, waits.objects)
            if (objects[oid].kind == "lock" or objects[oid].kind in JOIN_OBJECTS) and may_close(task, start)]
        for times, tids in self._holders.values():
            checks.extend((t, holder) for t, holder in zip(times, tids) if holder >= 0 and may_close(holder, t))
        checks.sort()
        seen: set[frozenset[int]] = set()
        out = []
        for t, seed in checks:
            cycle = self._cycle_from(seed, t)
            if cycle is not None and frozenset(cycle.tasks) not in seen:
                seen.add(frozenset(cycle.tasks))
                out.append(cycle)
        return out

    def _may_close(self, seed: int, t: int) -> bool:
        """Whether a cycle through ``seed`` at ``t`` is possible at all: it waits for a task that waits too.

        Most seeds wait for nobody (a lock's new holder runs), or for tasks that wait for nothing
        known (a lock's holder running): told from the columns, without an object made."""
        index = self._wait_index(seed, t)
        if index < 0:
            return False
        return any(self._wait_index(target, t) >= 0 for target in self._waiting_for(self.waits.objects[index], t))

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


@on_forget
def _forget(model: TimelineModel, before_ns: int) -> None:
    graph = _GRAPHS.existing(model)
    if graph is not None:
        graph.forget_before(before_ns)


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
