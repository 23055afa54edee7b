"""What a suspended task waits on, as a WaitObject: the data of the wait-for graph.

A mixin of :class:`~taskviz.stage.run.Run`. ``awaits`` already tells, at no extra cost,
when a suspension is in one of the asyncio calls whose object matters (a lock, a queue,
a join...). Only then is the object looked up, given an id the first time it is seen,
and the AWAITING row just written is paired with it (``EventRecord.targets``). A plain
sleep, a socket read or a bare yield does none of this. Who holds a lock is seen by
``locks``; its first holder is added to the record when a task first queues on it.

A lock's or a join's object is looked up at each wait: a deadlock must name the right
ones. Reading which queue, event, semaphore or condition a wait is on means reading the
suspended asyncio frame's locals (~1 µs, more than the rest of a step's recording), so
it is read, and paired with its row, only the first time a task waits at a line with
that label (``TracedCoroutine._lines``): the task's later waits there, with the same
label, are on the same object, as the model reads it (``model/waitfor.py``). A producer/consumer
pipeline pays one set lookup a wait. (A task waiting at one line on different queues in
turn, through a helper of its own, is shown waiting on the first.)
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any

from ..wire.record import LINE_BOUND_OBJECTS, WaitObject
from .awaits import Target
from .wrapper import TracedCoroutine

if TYPE_CHECKING:
    from .run import Run

_NAMES_SEARCHED = 200  # a frame's locals and globals looked through for a primitive's name, at most


class WaitsFor:
    """The wait-for half of a run: objects by identity, and the pairing of rows with them."""

    def _init_waits(self: Run) -> None:
        # id(obj) -> (weak reference to it, object id): a dead object's id may be reused
        self._objects_by_identity: dict[int, tuple[Any, int]] = {}
        self._tasks_made_at: dict[int, int] = {}  # TaskGroup's object id -> tasks the run had made when last looked at

    def _waits_on(self: Run, traced: TracedCoroutine, target: Target, wait: int) -> None:
        """The AWAITING row just written, its ``wait`` (label << 32 | location), is on ``target``: pair it with its object."""
        kind = target[0]
        if kind in LINE_BOUND_OBJECTS:
            if traced._lines is None:
                traced._lines = set()
            traced._lines.add(wait)  # found or not, never looked for again at this line with this label
            oid = self._primitive(kind, target[1], traced)
        elif kind == "lock":
            oid = self._primitive(kind, target[1], traced)
        else:
            oid = self._join(kind, target[1])
        if oid is None:
            return
        targets = self.record.targets
        targets.append(self.record.rows_written - 1)
        targets.append(oid)

    def object_id(self: Run, obj: Any) -> int | None:
        """The id ``obj`` was given, if it was ever waited on."""
        entry = self._objects_by_identity.get(id(obj))
        if entry is not None and entry[0]() is obj:
            return entry[1]
        return None

    def _new_object(self: Run, obj: Any, kind: str, name: str = "", tasks: list[int] | None = None,
                    size: int = 0) -> WaitObject:
        found = self.record.add_object(kind, name, tasks, size)
        try:
            self._objects_by_identity[id(obj)] = (weakref.ref(obj), found.id)
        except TypeError:  # not weakly referenceable: a new object each time it is waited on
            pass
        return found

    def _primitive(self: Run, kind: str, link: Any, traced: TracedCoroutine) -> int | None:
        frame = getattr(link, "cr_frame", None)
        if frame is None:
            return None
        obj = frame.f_locals.get("self")
        if obj is None:
            return None
        oid = self.object_id(obj)
        if oid is None:
            oid = self._new_object(obj, kind, _name_of(obj, traced), size=size_of(obj, kind)).id
            if kind == "lock":
                self._first_holder(obj, oid)
        return oid

    def _join(self: Run, kind: str, thing: Any) -> int | None:
        """A join's object: the tasks it waits for that this run traces (none traced: no object)."""
        if kind == "wait_for" or kind == "wait":
            frame = getattr(thing, "cr_frame", None)
            if frame is None:
                return None
            local = frame.f_locals
            if kind == "wait":
                return self._group_of("wait", local.get("fs"))
            thing = local.get("fut")
            kind = "task" if isinstance(thing, asyncio.Task) else "gather"
        elif kind == "taskgroup":
            frame = getattr(thing, "cr_frame", None)
            thing = frame.f_locals.get("self") if frame is not None else None
        return self._group_of(kind, thing)

    def _group_of(self: Run, kind: str, obj: Any) -> int | None:
        """The object for a join on ``obj``: a task, a gather's children, a TaskGroup's tasks, a set.

        Known already, it is only looked at again if it is a TaskGroup and tasks were made
        since (one may have joined it): a group of 10,000 tasks is waited on again as each
        ends, and must not be gone through each time.
        """
        if obj is None:
            return None
        oid = self.object_id(obj)
        made = len(self.record.tasks)
        if oid is not None and (kind != "taskgroup" or self._tasks_made_at.get(oid) == made):
            return oid
        if kind == "task":
            futures: Any = (obj,)
        elif kind == "gather":
            futures = getattr(obj, "_children", None) or ()
        elif kind == "taskgroup":
            futures = list(getattr(obj, "_tasks", None) or ())
        else:
            futures = list(obj)
        tids = []
        for future in futures:  # a gather of 100,000 tasks: one loop, no call per task
            coro = getattr(future, "_coro", None)  # not get_coro(): on 3.12.0-1 it crashes for a task finished eagerly
            if type(coro) is TracedCoroutine and coro._run is self:
                tids.append(coro._tid)
        if oid is None:
            if not tids:
                return None
            oid = self._new_object(obj, kind, tasks=tids).id
        else:
            found = self.record.objects[oid]
            known = set(found.tasks)
            new = [tid for tid in tids if tid not in known]
            if new:
                found.tasks.extend(new)
                self.record.objects_updated.append(oid)
        if kind == "taskgroup":
            self._tasks_made_at[oid] = made
        return oid

    def _first_holder(self: Run, lock: Any, oid: int) -> None:
        """The first task queues on ``lock``: from now on its holders are recorded, starting with this one."""
        from .locks import holder_of

        held = holder_of(lock, self)
        if held is not None:
            tid, since = held
            self.record.holds.extend((since, oid, tid + 1))


def size_of(obj: Any, kind: str, taken: int = 0) -> int:
    """A queue's maxsize, a semaphore's bound (or its free slots, with those ``taken`` just now); else 0."""
    if kind == "queue":
        size = getattr(obj, "maxsize", 0)
    elif kind == "semaphore":
        size = max(getattr(obj, "_bound_value", 0), getattr(obj, "_value", 0) + taken)
    else:
        return 0
    return size if type(size) is int and size > 0 else 0


def _name_of(obj: Any, traced: TracedCoroutine) -> str:
    """The program's name for ``obj``, from the innermost of its frames the task is suspended in:
    a module-level name first ("lock_a" says more than a parameter's "first"), then a local one."""
    frame = _user_frame(traced)
    return name_in(frame, obj) if frame is not None else ""


def name_in(frame: Any, obj: Any) -> str:
    """The name ``frame`` knows ``obj`` by: a module-level one first, then a local one; "" for none."""
    for names in (frame.f_globals, frame.f_locals):
        for count, (name, value) in enumerate(names.items()):
            if count >= _NAMES_SEARCHED:
                break
            if value is obj and name != "self" and not name.startswith("__"):
                return name
    return ""


def _user_frame(traced: TracedCoroutine) -> Any:
    """The innermost frame of the program's own in the task's await chain."""
    describer = traced._run.describer
    link: Any = traced._coro
    found = None
    while link is not None:
        code = getattr(link, "cr_code", None) or getattr(link, "gi_code", None)
        if code is None:
            break
        if describer.is_user_code(code):
            found = getattr(link, "cr_frame", None) or getattr(link, "gi_frame", None)
        link = getattr(link, "cr_await", None) if hasattr(link, "cr_await") else getattr(link, "gi_yieldfrom", None)
    return found
