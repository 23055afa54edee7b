"""The one name each task goes by, on its row, in the log, the details, notices and exports.

A task is named after what a person wrote: the name the program gave it (asyncio's own
``Task-N`` is left out), then its coroutine and arguments, ``worker('B', 1)``; an executor
job is ``thread fn(args)``. Two tasks that would read the same (two ``worker()`` with no
arguments, or jobs past the first 500, whose arguments are not recorded) are told apart by
their order of creation: the first keeps the plain name, the next are ``worker #2``,
``worker #3``... Every view asks the same table, so a task reads the same everywhere.

The name comes from the program, so it is made safe to draw here, once.

A task's name may change while a run is live (asyncio names a task after creating it, so
the stage reads the name when the task ends; some arguments are described only when the
run ends): the table rechecks the tasks the record says changed and moves them to their new names.
A finished run's names never change, so all its views and exports agree exactly.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size

from .per_model import PerModel
from .retention import on_forget
from ..text import visible
from ..wire.record import FORGOTTEN, EventRecord, TaskInfo

if TYPE_CHECKING:
    from .timeline import TimelineModel


def base_name(info: TaskInfo) -> str:
    """The name before telling twins apart: the program's name, the coroutine and its arguments."""
    coro = info.coro.rsplit(".", 1)[-1]
    call = f"{coro}({info.args})" if info.args else coro
    if info.kind == "thread":
        return visible(f"thread {call}")
    named = info.name and not info.name.startswith("Task-") and info.name not in (coro, call)  # not "first: first"
    return visible(f"{info.name}: {call}" if named else call)


class TaskNames:
    """Names for the tasks of one record, twins numbered in order of creation.

    A task's base name is worked out when it is first seen and again only when the record
    says its details changed (``EventRecord.updated``): asking is a lookup, so a view or an
    export naming 100,000 tasks does not describe each anew.
    """

    def __init__(self, record: EventRecord) -> None:
        self._record = record
        self._tasks = record.tasks
        self._updated = record.updated
        self._updates_seen = 0  # counted from the run's first touch (``EventRecord.updated_base``)
        self._bases: list[str] = []  # by task id: the base name it was last seen with
        self._holders: dict[str, list[int]] = {}  # base name -> ids of the tasks with it, ascending
        # Once a live run's window forgot tasks (``retention``), twins keep their numbers: how many
        # forgotten twins were made before each held task, and before any task made since, by base name
        self._below: dict[int, int] = {}
        self._gone: dict[str, int] = {}

    def __call__(self, tid: int) -> str:
        if (tid >= len(self._bases) or len(self._bases) > len(self._tasks)
                or self._updates_seen != self._record.updated_base + len(self._updated)):
            self._catch_up(tid + 1)
        base = self._bases[tid]
        holders = self._holders.get(base)
        if holders is None:
            return "a task from the history summarised"  # forgotten by a live run's window
        rank = bisect_left(holders, tid) + (self._below.get(tid, self._gone.get(base, 0)) if self._gone else 0)
        return f"{base} #{rank + 1}" if rank else base

    def take_in_all(self) -> None:
        """Take in every task now, in one pass: for a caller about to name them all (an export),
        which would otherwise take them in one call at a time."""
        self._catch_up(len(self._tasks))

    def every(self) -> list[str]:
        """Every task's name, by id, in one pass: for an export naming them all."""
        self._catch_up(len(self._tasks))
        if self._gone:  # a live run's window forgot some: their twins' numbers count them
            return [self(tid) for tid in range(len(self._bases))]
        names = list(self._bases)
        for base, holders in self._holders.items():
            for rank, tid in enumerate(holders[1:], 2):  # the first of twins keeps the plain name
                names[tid] = f"{base} #{rank}"
        return names

    def _catch_up(self, through: int) -> None:
        """Take in the tasks up to id ``through`` (all of them again if the list shrank), then move
        those whose details changed since to their new names.

        A twin's number counts only the tasks made before it, so naming the first rows of a
        chart looks at those alone, however many tasks come after."""
        tasks, updated, done = self._tasks, self._updated, self._record.updated_base
        if len(self._bases) > len(tasks) or self._updates_seen > done + len(updated):
            self._bases, self._holders, self._updates_seen = [], {}, 0
        known = len(self._bases)
        bases, holders = self._bases, self._holders
        made: dict[tuple[str, str, str, str], str] = {}  # past 500 tasks, no arguments: a few base names for all
        for tid in range(known, min(through, len(tasks))):
            info = tasks[tid]
            key = (info.coro, info.args, info.kind, "" if info.name.startswith("Task-") else info.name)  # all it reads
            base = made.get(key)
            if base is None:
                base = made[key] = base_name(info)
            bases.append(base)
            holders.setdefault(base, []).append(tid)  # ids come in ascending: the list stays sorted
        for tid in updated[max(0, self._updates_seen - done) :]:
            if tid < known and tasks[tid] is not FORGOTTEN:  # the ones after were named from their details as they are now
                base = base_name(tasks[tid])
                if base != self._bases[tid]:
                    self._move(tid, base)
        self._updates_seen = done + len(updated)

    def forget(self) -> None:
        """Let go of the names of the tasks a live run's window forgot; the held keep theirs, numbers too."""
        self._catch_up(len(self._tasks))
        tasks, bases, below, gone = self._tasks, self._bases, self._below, self._gone
        for base, holders in list(self._holders.items()):
            before = gone.get(base, 0)
            forgotten = 0
            kept: list[int] = []
            for tid in holders:  # ascending: ``forgotten`` counts the forgotten twins made before ``tid``
                if tasks[tid] is FORGOTTEN:
                    forgotten += 1
                    bases[tid] = ""
                    below.pop(tid, None)
                else:
                    below[tid] = below.get(tid, before) + forgotten
                    kept.append(tid)
            if forgotten:
                gone[base] = before + forgotten
                if kept:
                    self._holders[base] = kept
                else:
                    del self._holders[base]

    def _move(self, tid: int, base: str) -> None:
        old = self._holders[self._bases[tid]]
        del old[bisect_left(old, tid)]
        if not old:
            del self._holders[self._bases[tid]]
        insort(self._holders.setdefault(base, []), tid)
        self._bases[tid] = base
        self._below.pop(tid, None)  # among other twins now: counted as made after every forgotten one


_TABLES: PerModel[TaskNames] = PerModel(lambda model: TaskNames(model.record))


@on_forget
def _forget(model: TimelineModel, before_ns: int) -> None:
    names = _TABLES.existing(model)
    if names is not None:
        names.forget()


def names_of(model: TimelineModel) -> TaskNames:
    """The model's table of names: one per model, kept as long as the model is, shared by every view."""
    return _TABLES.of(model)


def task_name(model: TimelineModel, tid: int) -> str:
    """Task ``tid``'s name, the same in every view of ``model``; safe to draw."""
    return names_of(model)(tid)


_TWIN = re.compile(r" #\d+$")  # no base name ends so: it ends with the call's ")" or the coroutine's name


def fit_name(text: str, width: int) -> str:
    """``text`` (a name, maybe indented) cut and padded to exactly ``width`` cells for a row.

    A cut name ends in "…", and a twin keeps its number after it (``consumer('c…) #3``):
    cut at the end, twins would read the same.
    """
    twin = _TWIN.search(text) if cell_len(text) > width else None
    if twin is not None and width >= 2 * len(twin.group()):
        text, suffix = text[: twin.start()], twin.group()
        return set_cell_size(text, width - len(suffix) - 1) + "…" + suffix
    if cell_len(text) > width:
        text = set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)
