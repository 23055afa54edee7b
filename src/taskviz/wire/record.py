"""The event record: an append-only, columnar log of what every traced task did.

Rows live in four flat ``array('Q')`` columns rather than one Python object each: the
cyclic garbage collector never scans them, so recording a million events neither costs
a few microseconds per step nor causes the gen-2 pauses that would distort the very
timings being shown. A whole step is one row (when it started, when it ended and how),
written once the step is over: half the appends of a start and an end event, and the
loop cannot draw a frame mid-step anyway. A reader on the same thread consumes the
record incrementally by row index ("everything since N").
"""

from __future__ import annotations

import sys
from array import array
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Iterator, NamedTuple


class Kind(IntEnum):
    """What a row says happened. The code column holds ``task_id << 4 | kind``.

    For a task, AWAITING, YIELDED and DONE rows are whole steps: running from ``start``
    to ``time``, then suspended, ready or finished. For a thread job (``TaskInfo.kind``
    "thread") STARTED and DONE are instants, like CREATED and WOKEN for everyone.
    """

    CREATED = 0  # arg: parent task id + 1, or 0 for none; the task is pending
    STARTED = 1  # a thread job began on a worker thread (as an event: a task's step began)
    AWAITING = 2  # a step that ended suspended; arg: label id << 32 | location id
    YIELDED = 3  # a step that ended on a bare yield (sleep(0)): ready at once
    WOKEN = 4  # what it awaited completed, its wake-up is queued: ready
    DONE = 5  # a step that finished the coroutine (or a thread job ended); arg: Outcome


class Outcome(IntEnum):
    OK = 0
    FAILED = 1
    CANCELLED = 2


COLUMN = "L" if array("L").itemsize == 8 else "Q"
"""Every column holds unsigned 64-bit ints (every value is >= 0), four appended a step.
Appending to ``array('q')`` parses its argument, and to ``'Q'`` converts a clock
reading (two int digits) through a byte array; ``'L'``, where it is 64 bits, converts it
digit by digit at a fraction of either cost."""

KIND_BITS = 4
KIND_MASK = (1 << KIND_BITS) - 1
LOCATION_MASK = (1 << 32) - 1
_STEP_KINDS = (Kind.AWAITING, Kind.YIELDED, Kind.DONE)
NO_STRING = 0  # string id 0 is always "": "no label" / "no location"


class Event(NamedTuple):
    index: int
    time_ns: int
    task: int
    kind: Kind
    arg: int


@dataclass(slots=True)
class TaskInfo:
    """What is known about a task (or an executor thread job) besides its events.

    ``name`` is read from the live task when it finishes, because asyncio names a task
    only after the task factory has returned it.
    """

    id: int
    parent: int | None
    coro: str
    created_at: str
    name: str = ""
    outcome: Outcome | None = None
    result: str | None = None
    exception: str | None = None
    group: str = ""  # "server" for tasks started by loop callbacks (a server's handlers)
    kind: str = "task"  # or "thread": a job the scenario ran in the loop's executor
    args: str = ""  # the call's arguments, short: "2, 'Users'" tells two fetch_data rows apart
    raised_at: str = ""  # for a failed task, the program's line that raised ("mine.py:12")
    raised_via: str = ""  # and the program's own lines it was reached through, outermost first ("mine.py:30 → mine.py:21")
    library: str = ""  # a library's internal task: its owner ("aiohttp", "asyncio"); "" for the program's own


@dataclass(slots=True)
class WaitObject:
    """Something a task waits on besides time, so a wait-for graph can say who waits for whom.

    A synchronisation primitive (``kind`` "lock", "queue", "event", "condition",
    "semaphore", "barrier"), or a join: "task" (``await task``), "gather", "taskgroup",
    "wait" (``asyncio.wait``), whose ``tasks`` are the traced tasks it joins. ``name`` is
    the program's own name for it, when the stage found one ("lock_a"), else "". ``size``:
    a queue's maxsize, a bounded semaphore's bound or the most free slots a semaphore was
    first seen with; 0 when unknown or unbounded (a level row scales to the most it held).
    """

    id: int
    kind: str
    name: str = ""
    tasks: list[int] = field(default_factory=list)
    size: int = 0


FORGOTTEN = TaskInfo(-1, None, "", "")
"""What a stage's task table holds in place of a finished task it has sent and forgotten
(``stage/retention.py``): its id keeps its slot, eight bytes, and nothing else."""

JOIN_OBJECTS = frozenset({"task", "gather", "taskgroup", "wait"})
"""Kinds of WaitObject that wait for tasks (their ``tasks``), not for a primitive."""

LINE_BOUND_OBJECTS = frozenset({"queue", "event", "condition", "semaphore", "barrier"})
"""Kinds of WaitObject paired with a task's first wait at a line only: its later waits there
(the same label and line) are on the same object (``EventRecord.targets``)."""


@dataclass(slots=True)
class Alert:
    """Something the stage noticed about the program, beyond its tasks' steps: what findings are made of.

    ``kind`` "exception_handler": asyncio's loop exception handler was called ("Task
    exception was never retrieved", "Task was destroyed but it is pending!"), ``task``
    the task it was about; "warning": a warning the program was shown (``text`` starts
    with its category: "RuntimeWarning: coroutine 'f' was never awaited"); "stuck": the
    call a long step was caught stuck in, ``time_ns`` that step's start. ``task`` is -1
    when no traced task was involved; ``where`` is "file:line" or "".
    """

    time_ns: int
    kind: str
    task: int
    where: str
    text: str


@dataclass(repr=False)
class EventRecord:
    """Events in flat columns plus the small tables they point into."""

    starts: array = field(default_factory=lambda: array(COLUMN))
    times: array = field(default_factory=lambda: array(COLUMN))
    codes: array = field(default_factory=lambda: array(COLUMN))
    args: array = field(default_factory=lambda: array(COLUMN))
    strings: list[str] = field(default_factory=lambda: [""])
    tasks: list[TaskInfo] = field(default_factory=list)
    join_labels: set[int] = field(default_factory=set)
    stalls: dict[int, str] = field(default_factory=dict)  # start (clock ns) of a step caught stuck -> its line
    updated: list[int] = field(default_factory=list)  # ids of tasks whose TaskInfo changed, in order, see touch()
    # Who waits for whom (``model/waitfor.py``), kept apart from the rows so a run without
    # locks or joins pays nothing for it. Appended on the loop thread only, in this order:
    objects: list[WaitObject] = field(default_factory=list)  # by id
    objects_updated: list[int] = field(default_factory=list)  # ids of objects whose tasks grew, in order
    # flat pairs: an AWAITING row's index, then the id of the object it awaits; added after the row.
    # A queue's, event's, semaphore's, condition's or barrier's pair stands for the task's later
    # waits at the same line with the same label too (see ``stage/waitfor.py``)
    targets: array = field(default_factory=lambda: array(COLUMN))
    # flat triples, for locks tasks queued on: clock ns, the lock's object id, its holder's task id + 1
    # (0: released); a lock's first holder is added when someone first waits for it
    holds: array = field(default_factory=lambda: array(COLUMN))
    # flat triples, for the queues and semaphores the program's own code used (``stage/levels.py``):
    # clock ns, the object's id, a queue's size or a semaphore's free slots just after a put, get,
    # acquire or release
    levels: array = field(default_factory=lambda: array(COLUMN))
    alerts: list[Alert] = field(default_factory=list)
    # How much a stage has sent and then forgotten from the front of each table (see
    # ``forget``): every index into these tables (a row's, a touch's...) counts from the run's
    # first entry, so entry ``i`` is held at ``i - base``. A viewer's record forgets nothing.
    row_base: int = 0
    updated_base: int = 0
    target_base: int = 0
    hold_base: int = 0
    level_base: int = 0
    _string_ids: dict[str, int] = field(default_factory=lambda: {"": NO_STRING})

    def __len__(self) -> int:
        """Rows held; only the loop thread appends, so all columns agree."""
        return len(self.codes)

    @property
    def rows_written(self) -> int:
        """Rows written since the run began, forgotten ones included: the next row's index."""
        return self.row_base + len(self.codes)

    def forget(self, rows: int, updated: int, targets: int, holds: int, levels: int) -> None:
        """Drop every entry before these indexes (counted from the run's first) from the front
        of its table: what a stage has sent needs no keeping. A triple or pair is dropped whole."""
        cut = rows - self.row_base
        if cut > 0:
            for column in (self.starts, self.times, self.codes, self.args):
                del column[:cut]
            self.row_base = rows
        for table, base, upto in ((self.updated, "updated_base", updated), (self.targets, "target_base", targets),
                                  (self.holds, "hold_base", holds), (self.levels, "level_base", levels)):
            cut = upto - getattr(self, base)
            if cut > 0:
                del table[:cut]
                setattr(self, base, upto)

    def __repr__(self) -> str:
        """Short: asyncio's own reprs (of a task whose result is a record) must not print a million ints."""
        return f"<EventRecord {self.rows_written:,} rows, {len(self.tasks):,} tasks>"

    def intern(self, text: str) -> int:
        """Id of ``text`` in the string table, adding it once."""
        ids = self._string_ids
        sid = ids.get(text)
        if sid is None:
            sid = ids[text] = len(self.strings)
            self.strings.append(text)
        return sid

    def touch(self, tid: int) -> None:
        """Note that task ``tid``'s TaskInfo changed after it was added.

        The tracer calls it after changing a TaskInfo, so a stream writer resends it: a
        task is streamed when created, long before its name and outcome are known.
        """
        self.updated.append(tid)

    def add_object(self, kind: str, name: str = "", tasks: list[int] | None = None, size: int = 0) -> WaitObject:
        """A new WaitObject, its id the next one."""
        found = WaitObject(len(self.objects), kind, name, tasks if tasks is not None else [], size)
        self.objects.append(found)
        return found

    def target_pairs(self) -> Iterator[tuple[int, int]]:
        """(AWAITING row, object id) for every wait whose object is known."""
        targets = self.targets
        end = len(targets) & ~1  # a pair being added has its row and not yet its object
        return zip(targets[0:end:2], targets[1:end:2])

    def hold_triples(self) -> Iterator[tuple[int, int, int]]:
        """(clock ns, lock object id, holder task id + 1 or 0 for released), in the order added."""
        holds = self.holds
        end = len(holds) - len(holds) % 3
        return zip(holds[0:end:3], holds[1:end:3], holds[2:end:3])

    def level_triples(self) -> Iterator[tuple[int, int, int]]:
        """(clock ns, object id, queue size or free slots), in the order added."""
        levels = self.levels
        end = len(levels) - len(levels) % 3
        return zip(levels[0:end:3], levels[1:end:3], levels[2:end:3])

    def append(self, time_ns: int, task: int, kind: Kind, arg: int = 0, start_ns: int | None = None) -> None:
        """Slow-path append; the tracer appends to the columns directly."""
        self.starts.append(time_ns if start_ns is None else start_ns)
        self.times.append(time_ns)
        self.codes.append(task << KIND_BITS | kind)
        self.args.append(arg)

    def is_step(self, index: int) -> bool:
        """Whether row ``index`` is a task's whole step (and so also means "started")."""
        code = self.codes[index - self.row_base]
        return code & KIND_MASK in _STEP_KINDS and self.tasks[code >> KIND_BITS].kind == "task"

    def events(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        """Rows from ``start`` (counted from the run's first) as events in order; a step row gives
        its STARTED event first. Rows forgotten (``row_base``) are passed over."""
        base = self.row_base
        stop = self.rows_written if stop is None else stop
        for index in range(max(start, base), stop):
            held = index - base
            code = self.codes[held]
            tid, kind = code >> KIND_BITS, Kind(code & KIND_MASK)
            if kind in _STEP_KINDS and self.tasks[tid].kind == "task":
                yield Event(index, self.starts[held], tid, Kind.STARTED, 0)
            yield Event(index, self.times[held], tid, kind, self.args[held])

    def label(self, arg: int) -> str:
        """The awaited-thing label packed into an AWAITING event's arg."""
        return self.strings[arg >> 32]

    def location(self, arg: int) -> str:
        """The file:line packed into an AWAITING or YIELDED event's arg."""
        return self.strings[arg & LOCATION_MASK]

    def nbytes(self) -> int:
        """Bytes held by the event columns, including their spare capacity."""
        return sum(sys.getsizeof(col) for col in (self.starts, self.times, self.codes, self.args))

    def event_count(self) -> int:
        """Events the rows stand for: a step row is two (started, then how it ended)."""
        return sum(1 for index in range(len(self.codes)) if self.is_step(index)) + len(self.codes)

    def bytes_per_event(self) -> float:
        return self.nbytes() / max(1, self.event_count())
