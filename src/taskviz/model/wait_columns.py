"""A run's waits on known objects, kept as columns: a ``Wait`` is made only when one is asked for.

A server of 100,000 requests waits on its lock and queue a few hundred thousand times; a
``Wait`` object each (and its ints) cost ~250 bytes apiece, held for as long as the model,
where five array columns cost 28. ``WaitFor`` adds and ends waits here and reads them
back by index; its ``waits`` is this sequence, iterated or indexed like the list it was.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from ..wire.record import COLUMN

OPEN = -1  # the end column of a wait still going on


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


class WaitColumns(Sequence[Wait]):
    """Waits in the order they began; ``strings`` is the record's table the locations are ids in."""

    def __init__(self, strings: list[str]) -> None:
        self._strings = strings
        # ids unsigned like the record's columns (made from a list ~4x faster than signed ones)
        self.tasks = array(COLUMN)
        self.objects = array(COLUMN)
        self.starts = array("q")
        self.ends = array("q")  # OPEN while the wait goes on
        self.locations = array(COLUMN)  # string ids

    def extend(self, tasks: list[int], objects: list[int], starts: list[int], ends: list[int], locations: list[int]) -> None:
        """New waits, one a position of these lists (an end OPEN: still going on)."""
        for column, new in zip((self.tasks, self.objects, self.starts, self.ends, self.locations),
                               (tasks, objects, starts, ends, locations)):
            column.extend(array(column.typecode, new))  # made from a list, then copied: cheaper than appends

    def only(self, indexes: list[int]) -> WaitColumns:
        """These waits alone, in this order: what a live run's window keeps (``retention``)."""
        kept = WaitColumns(self._strings)
        for name in ("tasks", "objects", "starts", "ends", "locations"):
            column = getattr(self, name)
            setattr(kept, name, array(column.typecode, [column[i] for i in indexes]))
        return kept

    def covers(self, index: int, t: int) -> bool:
        end = self.ends[index]
        return self.starts[index] <= t and (end == OPEN or t < end)

    def __len__(self) -> int:
        return len(self.tasks)

    @overload
    def __getitem__(self, index: int) -> Wait: ...

    @overload
    def __getitem__(self, index: slice) -> list[Wait]: ...

    def __getitem__(self, index: int | slice) -> Wait | list[Wait]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        end = self.ends[index]
        return Wait(self.tasks[index], self.objects[index], self.starts[index], None if end == OPEN else end,
                    self._strings[self.locations[index]])

    def __iter__(self) -> Iterator[Wait]:
        strings = self._strings
        for task, oid, start, end, location in zip(self.tasks, self.objects, self.starts, self.ends, self.locations):
            yield Wait(task, oid, start, None if end == OPEN else end, strings[location])
