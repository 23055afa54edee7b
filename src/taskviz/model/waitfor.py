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
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..wire.record import JOIN_OBJECTS, KIND_BITS, WaitObject
from .per_model import PerModel
from .retention import drop_before, on_forget
from .timeline import FORGOTTEN_TRACK, State, TimelineModel
from .wait_columns import OPEN, Wait, WaitColumns
from .wait_cycles import Cycle, Edge, cycles
from .wait_rows import RowReader

__all__ = ["Cycle", "Edge", "Wait", "WaitFor", "waitfor_for"]

_BLOCK_ROWS = 1 << 16  # rows read at once: the lists a finished run's first look makes stay small


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
    _reader: RowReader = field(default_factory=RowReader)  # waits not ended, pairs not read, bound lines
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
        reader, seen = self._reader, self._rows_seen
        base = record.row_base
        while i < pairs and targets[i] < stop:
            row = targets[i]
            if row < base:  # folded before its pair (a flush sends rows, then pairs; a backlog folds in parts), then forgotten by a live run's window
                i += 2
                continue
            reader.pending[row] = targets[i + 1]
            if row < seen:  # its row was read before the pair came (a view asked in between): its task's rows again
                tid = record.codes[row - base] >> KIND_BITS
                rows = [index for index in range(row, seen) if record.codes[index - base] >> KIND_BITS == tid]
                if rows:
                    self._read(rows)
            i += 2
        self._targets_seen = target_base + i
        start = max(self._rows_seen, record.row_base)
        while start < stop and reader.following():
            if not reader.open and not reader.bound:  # nothing to follow until the next pair's row
                start = max(start, min(reader.pending))
                if start >= stop:
                    break
            start = self._read(range(start, min(stop, start + _BLOCK_ROWS)))
        self._rows_seen = max(self._rows_seen, stop)

    def _read(self, rows: range | list[int]) -> int:
        """Rows ``rows`` read (``wait_rows``), each wait they begin filed under its task; where it stopped."""
        first = len(self.waits)
        stopped = self._reader.read(self.model.record, self.model.origin_ns, rows, self.waits)
        by_task, tasks = self._by_task, self.model.record.tasks
        for index, tid in enumerate(self.waits.tasks[first:], first):
            mine = by_task.get(tid)
            if mine is None:
                by_task[tasks[tid].id] = index  # keyed by the task's own id int: none made per task
            elif isinstance(mine, int):
                by_task[tid] = array("q", (mine, index))
            else:
                mine.append(index)
        return stopped

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
        reader = self._reader
        reader.open = {tid: moved[index] for tid, index in reader.open.items() if index in moved}
        reader.bound = {tid: lines for tid, lines in reader.bound.items() if tracks[tid] is not FORGOTTEN_TRACK}
        for times, tids in self._holders.values():
            drop_before(t, times, tids)

    # -- questions ---------------------------------------------------------------------

    def object(self, oid: int) -> WaitObject:
        return self.model.record.objects[oid]

    def wait_at(self, tid: int, t: int) -> Wait | None:
        """What task ``tid`` waits on at ``t``, if it waits on a known object then."""
        index = self.wait_index(tid, t)
        return None if index < 0 else self.waits[index]

    def wait_index(self, tid: int, t: int) -> int:
        """``wait_at``'s wait as an index into ``waits``; -1 for none."""
        mine = self._by_task.get(tid)
        if mine is None:
            return -1
        starts = self.waits.starts
        if isinstance(mine, int):
            index = mine
        else:
            i = bisect_right(mine, t, key=starts.__getitem__) - 1
            if i < 0:
                return -1
            index = mine[i]
        end = self.waits.ends[index]  # ``WaitColumns.covers``, asked once a wait and hand-over of a run
        return index if starts[index] <= t and (end == OPEN or t < end) else -1

    def hand_overs(self) -> Mapping[int, tuple[array, array]]:
        """Lock id -> (times, holder task ids or -1 for free), by time; equal times in the order recorded."""
        return self._holders

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
        return self.waiting_for_object(wait.object, t)

    def waiting_for_object(self, oid: int, t: int) -> tuple[int, ...]:
        """``waiting_for`` a wait on object ``oid``."""
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
        """Every distinct cycle of waits that formed, at the first instant it did, in time order (``wait_cycles``)."""
        return cycles(self)


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
