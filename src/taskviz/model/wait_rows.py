"""Reading a record's rows into the wait-for graph: which rows begin a wait, and which row ends each.

A wait begins at an AWAITING row paired with an object (``EventRecord.targets``), or at a
later AWAITING row of the task at a line bound to one (LINE_BOUND_OBJECTS), and ends at
the task's next row (woken, or a step begun: a cancellation thrown in).

A finished run's first look reads all its rows here at once (a server's millions), a
live run a chunk at a time, the same rows once, with what is kept from one look to the
next (waits not ended, pairs not read yet, bound lines) in a ``RowReader``. So a row is
read with locals alone, and the waits begun are kept in lists until the end of a look.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..wire.record import KIND_BITS, KIND_MASK, LINE_BOUND_OBJECTS, LOCATION_MASK, EventRecord, Kind
from .wait_columns import OPEN, WaitColumns

_CREATED, _AWAITING, _WOKEN, _DONE = int(Kind.CREATED), int(Kind.AWAITING), int(Kind.WOKEN), int(Kind.DONE)


@dataclass
class RowReader:
    """What reading carries from one look at the rows to the next."""

    open: dict[int, int] = field(default_factory=dict)  # task -> its wait not ended yet
    pending: dict[int, int] = field(default_factory=dict)  # row -> object id, for pairs not read yet
    # task -> {AWAITING arg: object id} (LINE_BOUND_OBJECTS), dropped when the task ends: it waits no more
    bound: dict[int, dict[int, int]] = field(default_factory=dict)

    def following(self) -> bool:
        """Whether any row may begin or end a wait: else rows up to the next pair's can be passed over."""
        return bool(self.open or self.bound or self.pending)

    def read(self, record: EventRecord, origin: int, rows: range | list[int], waits: WaitColumns) -> int:
        """Rows ``rows`` (ascending, some, held by the record): the waits they begin go into ``waits``,
        and the ends of those and of any still open; times in ns since ``origin``. Returns the
        row after the last one read: after the last of ``rows``, or after an earlier one once
        nothing is followed (see ``following``)."""
        codes, args, times, step_starts, base = record.codes, record.args, record.times, record.starts, record.row_base
        objects = record.objects
        open_waits, pending, bound = self.open, self.pending, self.bound
        starts, ends, first = waits.starts, waits.ends, len(waits)
        # the waits begun here, as lists: an ``array('q')`` append parses its argument (~5x the cost)
        new_tasks: list[int] = []
        new_objects: list[int] = []
        new_starts: list[int] = []
        new_ends: list[int] = []
        new_locations: list[int] = []
        created, awaiting, woken, done = _CREATED, _AWAITING, _WOKEN, _DONE  # locals: read a row
        stopped = rows[-1] + 1
        for index in rows:
            held = index - base
            code = codes[held]
            tid, kind = code >> KIND_BITS, code & KIND_MASK
            if tid in open_waits and kind != created:
                wait = open_waits.pop(tid)
                end = (times[held] if kind == woken else step_starts[held]) - origin
                if wait >= first:
                    began = new_starts[wait - first]
                    new_ends[wait - first] = end if end > began else began
                else:
                    began = starts[wait]
                    ends[wait] = end if end > began else began
            if kind == awaiting:
                oid = pending.pop(index, None)
                if oid is not None:
                    if objects[oid].kind in LINE_BOUND_OBJECTS:
                        bound.setdefault(tid, {})[args[held]] = oid
                elif bound:
                    lines = bound.get(tid)
                    oid = None if lines is None else lines.get(args[held])
                if oid is not None:
                    open_waits[tid] = first + len(new_tasks)
                    new_tasks.append(tid)
                    new_objects.append(oid)
                    new_starts.append(times[held] - origin)
                    new_ends.append(OPEN)
                    new_locations.append(args[held] & LOCATION_MASK)
                    continue
            elif kind == done and bound:
                bound.pop(tid, None)
            if not open_waits and not bound and not pending:
                stopped = index + 1
                break
        waits.extend(new_tasks, new_objects, new_starts, new_ends, new_locations)
        return stopped
