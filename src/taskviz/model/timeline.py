"""The timeline model: per-task state intervals derived from the event record.

It reads the record incrementally (only events added since the last ``update``), keeps
one compact track of state changes per task plus the loop's steps, and answers the
questions a frame or a summary asks: a task's state at an instant, its intervals in a
window, or a whole row of cells for a given zoom.

Each awaiting interval also knows its kind of wait (``waits.WaitKind``), kept in the high
bits of the interval's state byte: the kind costs no memory, and ``cells(..., kinds=True)``
hands it to a view in the same pass that finds the states.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from enum import IntEnum

from ..wire.record import FORGOTTEN, KIND_BITS, KIND_MASK, LOCATION_MASK, EventRecord, Kind, TaskInfo
from .cells import RowCells
from .history import History
from .waits import KIND_SHIFT, STATE_MASK, WaitKind, wait_kind

NS = 1_000_000_000
BLOCK_NS = 20_000_000  # a step this long holds up everything else noticeably


class State(IntEnum):
    NONE = 0  # not created yet, or after the finishing instant
    PENDING = 1
    AWAITING = 2
    READY = 3
    RUNNING = 4
    DONE = 5
    FAILED = 6
    CANCELLED = 7
    STEP = 8  # drawing only: the mark of a step inside a cell something else held most of (``MARK``)

    @property
    def finished(self) -> bool:
        return State.DONE <= self <= State.CANCELLED


class Lane(IntEnum):
    """What the event loop's one thread was doing during a cell of the loop lane."""

    IDLE = 0
    BUSY = 1  # inside tasks' steps for half the cell or more
    STEP = 2  # a brief step, much shorter than the cell
    BLOCKED = 3  # one step of BLOCK_NS or more held everything else


_LANE_SUM_LIMIT = 8  # steps summed per cell; more than this many is busy anyway

_FINISHED = int(State.DONE)
_PLAIN_STATES = bytes(code & STATE_MASK for code in range(256))  # a row's codes without wait kinds or marks
_AWAITING_STATE = int(State.AWAITING)
_READY = int(State.READY)
_PENDING_STATE = bytes((State.PENDING,))
_OUTCOME_TO_STATE = (int(State.DONE), int(State.FAILED), int(State.CANCELLED))  # indexed by Outcome
_CREATED, _STARTED, _AWAITING, _YIELDED, _WOKEN = (int(k) for k in (Kind.CREATED, Kind.STARTED, Kind.AWAITING, Kind.YIELDED, Kind.WOKEN))
_RUNNING = int(State.RUNNING)
_JOIN_CODE = _AWAITING_STATE | WaitKind.JOIN << KIND_SHIFT


@dataclass(slots=True)
class Track:
    """One task's history and running totals, in ns since the run started."""

    info: TaskInfo
    times: array = field(default_factory=lambda: array("q"))
    states: array = field(default_factory=lambda: array("b"))
    depth: int = 0
    steps: int = 0
    running_ns: int = 0
    awaiting_ns: int = 0
    waiting_ns: int = 0  # awaiting something other than another task: the program's own waiting
    ready_ns: int = 0
    label: int = 0  # what it awaits now, or awaited last
    location: int = 0  # where it is suspended now, or was last
    # each state byte is a State, with a WaitKind above STATE_MASK when it is AWAITING
    # each distinct wait, in order, packed ``label << 32 | line`` (a dict or tuples per task cost
    # ~200 bytes more, on runs of 100,000 tasks); read it with :meth:`waits`
    awaited: list[int] = field(default_factory=list)
    thread: bool = False  # an executor job: its running time does not hold the loop
    born_ns: int = -1  # when it was created, once a live run's window has cut its history before that (``retention``)

    @property
    def state(self) -> State:
        return State(self.states[-1] & STATE_MASK) if self.states else State.NONE

    @property
    def wait_kind(self) -> WaitKind | None:
        """What kind of thing it awaits now; None when it is not awaiting."""
        return self._kind(len(self.states) - 1)

    def waits(self) -> list[tuple[int, int]]:
        """(label, line) string ids of each distinct wait, in order."""
        return [(packed >> 32, packed & LOCATION_MASK) for packed in self.awaited]

    @property
    def created_ns(self) -> int:
        return self.born_ns if self.born_ns >= 0 else self.times[0]

    @property
    def finished_ns(self) -> int | None:
        return self.times[-1] if self.state.finished else None

    def state_at(self, t: int) -> State:
        i = bisect_right(self.times, t) - 1
        if i < 0:
            return State.NONE
        return State(self.states[i] & STATE_MASK)

    def wait_at(self, t: int) -> WaitKind | None:
        """What kind of thing it awaited at ``t``; None when it was not awaiting then."""
        return self._kind(bisect_right(self.times, t) - 1)

    def _kind(self, i: int) -> WaitKind | None:
        if i < 0:
            return None
        code = self.states[i]
        return WaitKind(code >> KIND_SHIFT) if code & STATE_MASK == _AWAITING_STATE else None


FORGOTTEN_TRACK = Track(FORGOTTEN, array("q", (0,)), array("b", (State.DONE,)))
"""A live run's model holds this in place of the track of a task that finished before the window it
keeps (``model/retention``): one shared object, so a forgotten task costs its slot and nothing more."""


@dataclass(slots=True)
class Step:
    task: int
    start_ns: int
    end_ns: int
    location: int  # string id of the line it suspended on, 0 if it yielded or finished


class TimelineModel:
    def __init__(self, record: EventRecord, origin_ns: int) -> None:
        self.record = record
        self.origin_ns = origin_ns
        self.tracks: list[Track] = []
        self.consumed = 0
        self.end_ns = 0
        self.step_starts = array("q")
        self.step_ends = array("q")
        self.step_tasks = array("i")  # task ids and string ids fit 32 bits: 8 bytes a step saved
        self.step_locations = array("i")
        self.busy_ns = 0
        self.alive_count = 0  # tasks created and not finished, kept up as rows come in
        self.longest_step = -1
        self._longest_ns = -1
        self.blocks: list[int] = []  # indexes of steps of BLOCK_NS or more
        # (task, start ns, line) of a step holding the loop right now, not yet in the record:
        # drawn running (and blocking, once long enough) up to "now" while it lasts.
        self.busy: tuple[int, int, str] | None = None
        self._order: list[int] | None = None
        self._new_in_order: list[int] = []  # tasks made since ``order`` was worked out (none kept before it is)
        self._tail: list[int] = []  # the order's last task and its ancestors, innermost last: where a new task can go
        self._held: list[Track] | None = None  # the tracks not forgotten, once a window forgot some (``held``)
        self._rows = RowCells()  # each visible row's cells, walked again only where they can have changed
        self.history: History | None = None  # what a live run's window forgot, in totals (``model/retention``)
        self._wait_codes: dict[int, int] = {}  # label string id -> AWAITING with its kind
        self._packed: dict[int, int] = {}  # each distinct wait (label << 32 | line): one int object for all tasks

    # -- reading the record ---------------------------------------------------------

    def update(self, until: int | None = None) -> int:
        """Fold in rows added since the last call (up to row ``until``); returns how many.

        ``until`` replays a finished record partway, as it looked mid-run.
        """
        record = self.record
        total = record.rows_written
        start, stop = self.consumed, total if until is None else min(until, total)
        if start == stop:
            return 0
        starts, times, codes, args = record.starts, record.times, record.codes, record.args
        base = record.row_base  # the rows a live run's window forgot come before the ones held
        origin = self.origin_ns
        tracks = self.tracks
        wait_codes = self._wait_codes
        packed_ids = self._packed
        # a whole step (running from its start, then what it ended in; and the loop's step) is
        # written out here, once per row: at a few hundred thousand rows a run, calls were most of the time
        add_start, add_end = self.step_starts.append, self.step_ends.append
        add_task, add_location = self.step_tasks.append, self.step_locations.append
        end_ns, busy_ns = self.end_ns, self.busy_ns
        longest_ns, blocks = self._longest_ns, self.blocks
        steps_before = len(self.step_starts)
        new_steps = 0
        for index in range(start - base, stop - base):
            code = codes[index]
            kind = code & KIND_MASK
            tid = code >> KIND_BITS
            t = times[index] - origin
            if kind == _CREATED:
                self.end_ns = end_ns
                self._created(tid, t, args[index])
                end_ns = self.end_ns
                continue
            track = tracks[tid]
            track_times, track_states = track.times, track.states
            last = track_times[-1]
            if t < last:
                t = last
            if t > end_ns:
                end_ns = t
            if kind == _WOKEN:
                if track_states[-1] & STATE_MASK == _AWAITING_STATE:
                    self._change(track, t, _READY)
                continue
            if track.thread:
                self._change(track, t, _RUNNING if kind == _STARTED else _OUTCOME_TO_STATE[args[index]])
                track.steps += kind == _STARTED
                continue
            t0 = starts[index] - origin
            if t0 < last:
                t0 = last
            location = 0
            if kind == _AWAITING:
                arg = args[index]
                label = arg >> 32
                location = arg & LOCATION_MASK
                after = wait_codes.get(label)
                if after is None:
                    after = self._wait_code(label)
                track.label, track.location = label, location
                awaited = track.awaited
                if arg not in awaited:
                    awaited.append(packed_ids.setdefault(arg, arg))  # one int shared by every task waiting there
            elif kind == _YIELDED:
                after = _READY
            else:
                after = _OUTCOME_TO_STATE[args[index]]
                self.alive_count -= 1
            # the time spent in the state the step leaves (``_change`` to RUNNING at t0)
            previous = track_states[-1]
            spent = t0 - last
            if previous == _READY:
                track.ready_ns += spent
            elif previous == _RUNNING:
                track.running_ns += spent
            elif previous & STATE_MASK == _AWAITING_STATE:
                track.awaiting_ns += spent
                if previous != _JOIN_CODE:  # a join waits on other tasks' waits: not counted twice
                    track.waiting_ns += spent
            duration = t - t0
            track_times.append(t0)
            track_states.append(_RUNNING)
            track_times.append(t)
            track_states.append(after)
            track.steps += 1
            track.running_ns += duration
            add_start(t0)
            add_end(t)
            add_task(tid)
            add_location(location)
            busy_ns += duration
            if duration > longest_ns:
                self.longest_step, longest_ns = steps_before + new_steps, duration
            if duration >= BLOCK_NS:
                blocks.append(steps_before + new_steps)
            new_steps += 1
        self.end_ns, self.busy_ns, self._longest_ns = end_ns, busy_ns, longest_ns
        self.consumed = stop
        return stop - start

    def _wait_code(self, label: int) -> int:
        """The state byte for awaiting ``label``, worked out once per label: joins are the
        ones the stage marked (and any the label's words say are), the rest read from the words."""
        record = self.record
        kind = WaitKind.JOIN if label in record.join_labels else wait_kind(record.strings[label])
        code = self._wait_codes[label] = _AWAITING_STATE | kind << KIND_SHIFT
        return code

    def _created(self, tid: int, t: int, parent_arg: int) -> None:
        info = self.record.tasks[tid]
        depth = self.tracks[parent_arg - 1].depth + 1 if parent_arg else 0
        track = Track(info, array("q", (t,)), array("b", _PENDING_STATE), depth, thread=info.kind == "thread")
        self.tracks.append(track)
        if self._held is not None:
            self._held.append(track)
        self.alive_count += 1
        if self._order is not None:  # a rebuild takes in every task: a post-run model keeps no list of them
            self._new_in_order.append(tid)
        if t > self.end_ns:
            self.end_ns = t

    def _change(self, track: Track, t: int, state: int) -> None:
        """Enter ``state`` at ``t``, adding the time spent in the state it leaves."""
        previous = track.states[-1]
        if state >= _FINISHED and previous & STATE_MASK < _FINISHED:
            self.alive_count -= 1
        spent = t - track.times[-1]
        if previous == _RUNNING:
            track.running_ns += spent
        elif previous == _READY:
            track.ready_ns += spent
        elif previous & STATE_MASK == _AWAITING_STATE:
            track.awaiting_ns += spent
            if previous != _JOIN_CODE:  # a join waits on other tasks' waits: not counted twice
                track.waiting_ns += spent
        track.times.append(t)
        track.states.append(state)

    # -- questions ------------------------------------------------------------------

    def step(self, index: int) -> Step:
        return Step(
            int(self.step_tasks[index]),
            self.step_starts[index],
            self.step_ends[index],
            int(self.step_locations[index]),
        )

    def step_where(self, index: int) -> str:
        """The best line to blame for a step: where it was caught stuck, else where it stopped."""
        step = self.step(index)
        caught = self.record.stalls.get(step.start_ns + self.origin_ns)
        if caught:
            return caught
        if step.location:
            return self.record.strings[step.location]
        return self.tracks[step.task].info.created_at

    def held(self) -> list[Track]:
        """Every task's track, in creation order, less those a live run's window forgot
        (``model/retention``): what a pass over the run's tasks reads."""
        return self.tracks if self._held is None else self._held

    def forgot(self, held: list[Track]) -> None:
        """``model/retention`` put FORGOTTEN_TRACK in forgotten tasks' places; ``held`` are the others."""
        self._held = held
        self._order = None
        self._new_in_order.clear()
        self._rows.clear()

    @property
    def held_from_ns(self) -> int:
        """Where the history held in detail starts: 0, or where a live run's window begins (``model/retention``)."""
        return self.history.before_ns if self.history is not None else 0

    def order(self) -> list[int]:
        """Task ids parents-first, children in creation order under their parent; a task whose
        parent was forgotten (``model/retention``) at the top.

        Worked out whole only when needed: a task made since, whose parent is the last task in
        the order or one of its ancestors (a server's requests, main's children), goes at the
        end, so a live run that keeps making tasks costs a list copy a frame, not a rebuild.
        """
        new = self._new_in_order
        if self._order is not None and new:
            self._order = self._extended(new)
        if self._order is None:
            self._order = self._rebuilt()
        new.clear()
        return self._order

    def _extended(self, new: list[int]) -> list[int] | None:
        """The order with ``new`` at its end, if each one's parent is on the order's tail; else None."""
        tail, tracks = self._tail, self.tracks
        for tid in new:
            parent = tracks[tid].info.parent
            if parent is None:
                tail.clear()
            elif parent in tail:
                del tail[tail.index(parent) + 1:]
            else:
                return None
            tail.append(tid)
        return self._order + new  # type: ignore[operator]  # a new list: views compare it by identity

    def _rebuilt(self) -> list[int]:
        children: dict[int | None, list[int]] = {}
        held = None if self._held is None else {track.info.id for track in self._held}
        for track in self.held():
            parent = track.info.parent
            if held is not None and parent is not None and parent not in held:
                parent = None
            children.setdefault(parent, []).append(track.info.id)
        out: list[int] = []
        stack = list(reversed(children.get(None, [])))
        while stack:
            tid = stack.pop()
            out.append(tid)
            kids = children.get(tid)
            if kids is None:
                continue
            if children.keys().isdisjoint(kids):  # no grandchildren (a server's requests): all at once
                out.extend(kids)
            else:
                stack.extend(reversed(kids))
        self._tail = self._path_to(out[-1], held) if out else []
        return out

    def _path_to(self, tid: int, held: set[int] | None) -> list[int]:
        """``tid`` and its ancestors as the order shows them, outermost first."""
        path = [tid]
        parent = self.tracks[tid].info.parent
        while parent is not None and (held is None or parent in held):
            path.append(parent)
            parent = self.tracks[parent].info.parent
        path.reverse()
        return path

    def intervals(self, tid: int, t0: int, t1: int, now: int | None = None) -> list[tuple[int, int, State]]:
        """What task ``tid`` was doing between ``t0`` and ``t1``, as (start, end, state)."""
        track = self.tracks[tid]
        times, states = track.times, track.states
        end_of_record = self.end_ns if now is None else max(now, self.end_ns)
        out: list[tuple[int, int, State]] = []
        i = max(0, bisect_left(times, t0) - 1)
        n = len(times)
        while i < n and times[i] < t1:
            start = times[i]
            state = State(states[i] & STATE_MASK)
            end = times[i + 1] if i + 1 < n else (start if state.finished else end_of_record)
            if end > t0 or (state.finished and start >= t0):
                out.append((max(start, t0), min(end, t1), state))
            i += 1
        return out

    def cells(self, tid: int, t0: int, dt: int, n: int, now: int | None = None, *, kinds: bool = False) -> bytearray:
        """Row ``tid`` as ``n`` cells of ``dt`` ns from ``t0``; each the state that held most of it.

        A cell where a step ran but something else held most of the time carries ``MARK``
        (drawn as the brief-step glyph in the colour of what held the cell), so a 50 µs step
        in a 10 ms cell still shows, and a short step crossing a cell edge is not drawn as a
        solid block. The finishing instant's cell shows the outcome (✓ ✗ ⊘) whatever else.

        With ``kinds`` an awaiting cell also carries its wait kind above ``STATE_MASK``
        (read it with ``waits.kind_of_code``; the palette draws these codes directly);
        without, every cell is a plain State, the one that held it (no kinds, no marks).

        A frame calls this for every visible row, so it stays linear in the intervals in view
        and avoids enum and builtin calls in its loop: a track's intervals follow one another,
        so the cells an interval covers whole are filled in one slice, and only its two edge
        cells, which it can share with others, sum time per state (``spent``).
        """
        track = self.tracks[tid]
        live_end = self.end_ns if now is None or now < self.end_ns else now
        out = self._rows.cells(track, track.times, track.states, t0, dt, n, live_end)
        busy = self.busy
        if busy is not None and busy[0] == tid and now is not None and dt > 0:
            first, last = max(0, (busy[1] - t0) // dt), min(n - 1, (now - 1 - t0) // dt)
            if last >= first:
                out[first : last + 1] = bytes((_RUNNING,)) * (last - first + 1)
        return out if kinds else out.translate(_PLAIN_STATES)

    def loop_cells(self, t0: int, dt: int, n: int, now: int | None = None) -> list[tuple[Lane, int]]:
        """The loop lane, per cell: idle, busy (most of the cell), a brief step, or blocked,
        with the task holding the loop (-1 when idle).

        Steps never overlap, so their starts and ends are both sorted: each cell is one
        bisection plus at most a few steps summed, whatever the number of steps in view.
        """
        out = [(Lane.IDLE, -1)] * n
        starts, ends, tasks = self.step_starts, self.step_ends, self.step_tasks
        count = len(starts)
        if dt <= 0:
            return out
        i = 0
        for c in range(n):
            cell_start = t0 + c * dt
            cell_end = cell_start + dt
            i = bisect_left(ends, cell_start, i)
            while i < count and ends[i] == cell_start and starts[i] < cell_start:
                i += 1
            if i >= count or starts[i] >= cell_end:
                continue
            busy, j = 0, i
            while j < count and starts[j] < cell_end and j - i < _LANE_SUM_LIMIT:
                busy += min(ends[j], cell_end) - max(starts[j], cell_start)
                j += 1
            full = j - i >= _LANE_SUM_LIMIT or 2 * busy >= dt
            out[c] = (Lane.BUSY if full else Lane.STEP, tasks[i])
        for index in self.blocks:
            first = max(0, (starts[index] - t0) // dt)
            last = min(n - 1, (ends[index] - 1 - t0) // dt)
            for c in range(first, last + 1):
                out[c] = (Lane.BLOCKED, tasks[index])
        busy = self.busy
        if busy is not None and now is not None and now - busy[1] >= BLOCK_NS:
            first, last = max(0, (busy[1] - t0) // dt), min(n - 1, (now - 1 - t0) // dt)
            for c in range(first, last + 1):
                out[c] = (Lane.BLOCKED, busy[0])
        return out

    def wait_kinds(self) -> set[WaitKind]:
        """The kinds of wait seen so far: what a legend needs to name."""
        return {WaitKind(code >> KIND_SHIFT) for code in self._wait_codes.values()}

    def alive(self) -> int:
        """Tasks not finished yet (the same as ``alive_count``, counted afresh)."""
        return sum(1 for track in self.held() if not track.state.finished)
