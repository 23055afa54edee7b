"""The event record: an append-only, columnar log of what every traced task did.

Events live in three flat ``array('q')`` columns rather than one Python object each:
the cyclic garbage collector never scans them, so recording a million events neither
costs a few microseconds per step nor causes the gen-2 pauses that would distort the
very timings being shown. A reader on the same thread consumes the record incrementally
by index ("everything since N"), which is how the timeline model keeps up.
"""

from __future__ import annotations

import sys
from array import array
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Iterator, NamedTuple


class Kind(IntEnum):
    """What happened to a task. The code column holds ``task_id << 4 | kind``."""

    CREATED = 0  # arg: parent task id + 1, or 0 for none; the task is pending
    STARTED = 1  # a step begins: the task is running
    AWAITING = 2  # the step ended suspended; arg: label id << 32 | location id
    YIELDED = 3  # the step ended on a bare yield (sleep(0)): ready at once; arg: location id
    WOKEN = 4  # what it awaited completed, its wake-up is queued: ready
    DONE = 5  # the coroutine finished; arg: Outcome


class Outcome(IntEnum):
    OK = 0
    FAILED = 1
    CANCELLED = 2


KIND_BITS = 4
KIND_MASK = (1 << KIND_BITS) - 1
LOCATION_MASK = (1 << 32) - 1
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


@dataclass
class EventRecord:
    """Events in flat columns plus the small tables they point into."""

    times: array = field(default_factory=lambda: array("q"))
    codes: array = field(default_factory=lambda: array("q"))
    args: array = field(default_factory=lambda: array("q"))
    strings: list[str] = field(default_factory=lambda: [""])
    tasks: list[TaskInfo] = field(default_factory=list)
    join_labels: set[int] = field(default_factory=set)
    stalls: dict[int, str] = field(default_factory=dict)
    _string_ids: dict[str, int] = field(default_factory=lambda: {"": NO_STRING})

    def __len__(self) -> int:
        return len(self.times)

    def intern(self, text: str) -> int:
        """Id of ``text`` in the string table, adding it once."""
        ids = self._string_ids
        sid = ids.get(text)
        if sid is None:
            sid = ids[text] = len(self.strings)
            self.strings.append(text)
        return sid

    def append(self, time_ns: int, task: int, kind: Kind, arg: int = 0) -> None:
        """Slow-path append; the tracer appends to the columns directly."""
        self.times.append(time_ns)
        self.codes.append(task << KIND_BITS | kind)
        self.args.append(arg)

    def event(self, index: int) -> Event:
        code = self.codes[index]
        return Event(index, self.times[index], code >> KIND_BITS, Kind(code & KIND_MASK), self.args[index])

    def events(self, start: int = 0, stop: int | None = None) -> Iterator[Event]:
        stop = len(self.times) if stop is None else stop
        for index in range(start, stop):
            yield self.event(index)

    def label(self, arg: int) -> str:
        """The awaited-thing label packed into an AWAITING event's arg."""
        return self.strings[arg >> 32]

    def location(self, arg: int) -> str:
        """The file:line packed into an AWAITING or YIELDED event's arg."""
        return self.strings[arg & LOCATION_MASK]

    def nbytes(self) -> int:
        """Bytes held by the event columns, including their spare capacity."""
        return sum(sys.getsizeof(col) for col in (self.times, self.codes, self.args))

    def bytes_per_event(self) -> float:
        return self.nbytes() / max(1, len(self.times))


def describe_value(value: Any, limit: int = 60) -> str:
    """A short repr for results and exception messages shown to people."""
    try:
        text = repr(value)
    except Exception as exc:  # a user's __repr__ may raise; the record must not
        text = f"<unrepresentable {type(value).__name__}: {exc!r}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"
