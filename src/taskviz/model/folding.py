"""Library internals folded away: one row per library for the tasks the program did not make.

aiohttp's connection handlers, asyncio's accept loops and the like are traced like any
task, but a learner reading ``http_client`` wants their five fetches, not twenty rows of
``RequestHandler.shutdown(60.0)``. The stage marks each such task with its owner
(``TaskInfo.library``, see ``stage/owners.py``); this module turns that into what views
show: the program's tasks in the model's order, then one group row per library with the
members' total activity. The app, the text timeline and anything else drawing rows take
their rows from here, so they fold the same tasks; exports keep every task (they are the
data, not a view).

A row is a task id (``int``) or a library's name (``str``) for its group row.
"""

from __future__ import annotations

from dataclasses import dataclass

from .per_model import PerModel
from .retention import on_forget
from .timeline import FORGOTTEN_TRACK, State, TimelineModel

Row = int | str

# Which state a group's cell shows when its members differ: any member running wins, then
# the states a member can be in while alive, the finishing marks last (one member ending
# while others run is not the group's end).
_GROUP_RANK = {
    State.NONE: 0,
    State.DONE: 1,
    State.CANCELLED: 1,
    State.FAILED: 2,
    State.PENDING: 3,
    State.AWAITING: 4,
    State.READY: 5,
    State.STEP: 6,
    State.RUNNING: 7,
}
_RANKS = max(_GROUP_RANK.values()) + 1


@dataclass(slots=True)
class LibraryGroup:
    """The tasks one library made for itself, folded into one row."""

    owner: str
    members: list[int]

    def label(self) -> str:
        count = len(self.members)
        return f"{self.owner} · {count} task{'s' if count != 1 else ''}"


class Folding:
    """Which of a model's tasks are a library's internals, kept up as the model grows.

    Cheap to ask every frame: it looks only at tasks added since the last call and at
    those whose details changed (``EventRecord.updated``: a library task found running the
    program's code becomes the program's).
    """

    def __init__(self, model: TimelineModel) -> None:
        self.model = model
        self._owner: dict[int, str] = {}  # library task id -> its owner
        self._groups: dict[str, LibraryGroup] = {}
        self._tracks_seen = 0
        self._updates_seen = 0
        self._rows: dict[bool, list[Row]] = {}
        self._depths: dict[int, int] = {}  # a row's indent with library tasks folded
        self._filtered: list[int] | None = None  # the model's order the program's rows were last taken from
        self._program_rows: list[int] = []  # that order without the library tasks

    def update(self) -> None:
        """Take in the tasks added, and the changes to tasks made, since the last call."""
        model = self.model
        tracks = model.tracks
        updated, base = model.record.updated, model.record.updated_base
        if self._tracks_seen == len(tracks) and self._updates_seen == base + len(updated):
            return
        changed = self._tracks_seen != len(tracks)
        groups = self._groups
        for tid in range(self._tracks_seen, len(tracks)):
            owner = tracks[tid].info.library
            if owner:
                self._owner[tid] = owner
                group = groups.get(owner)
                if group is None:
                    group = groups[owner] = LibraryGroup(owner, [])
                group.members.append(tid)
        self._tracks_seen = len(tracks)
        for tid in updated[self._updates_seen - base:]:
            if tid in self._owner and not tracks[tid].info.library:
                self._adopted(tid)
                changed = True
        self._updates_seen = base + len(updated)
        if changed:
            self._rows.clear()

    def forget(self) -> None:
        """Let go of the tasks the model's window forgot (``retention``)."""
        self.update()
        tracks = self.model.tracks
        for tid in [tid for tid in self._owner if tracks[tid] is FORGOTTEN_TRACK]:
            del self._owner[tid]
        for owner, group in list(self._groups.items()):
            group.members[:] = [tid for tid in group.members if tracks[tid] is not FORGOTTEN_TRACK]
            if not group.members:
                del self._groups[owner]
        self._depths.clear()
        self._rows.clear()

    def _adopted(self, tid: int) -> None:
        """Library task ``tid`` turned out to be the program's: out of its group, into the rows."""
        owner = self._owner.pop(tid)
        self._filtered = None  # its row is among the program's now, wherever it is in the order
        group = self._groups[owner]
        group.members.remove(tid)
        if not group.members:
            del self._groups[owner]
        self._depths.clear()  # its descendants are indented under it now

    @property
    def folded(self) -> int:
        """How many tasks are a library's (folded when the view folds them)."""
        self.update()
        return len(self._owner)

    def is_library(self, tid: int) -> bool:
        self.update()
        return tid in self._owner

    def groups(self) -> list[LibraryGroup]:
        """One per library, in the order each library's first task was made."""
        self.update()
        return list(self._groups.values())

    def group(self, owner: str) -> LibraryGroup | None:
        self.update()
        return self._groups.get(owner)

    def rows(self, show_library: bool = False) -> list[Row]:
        """The rows to draw: every task in the model's order, or with the library tasks
        folded, the program's tasks and then one group row per library."""
        self.update()
        rows = self._rows.get(show_library)
        if rows is None:
            order = self.model.order()
            if show_library or not self._owner:
                rows = order  # the model's own list: it makes a new one when it changes, never edits it
            else:
                rows = [*self._program_order(order), *self._groups]
            self._rows[show_library] = rows
        return rows

    def _program_order(self, order: list[int]) -> list[int]:
        """``order`` without the library tasks. A live run's new tasks most often come last in
        the order (a server's main makes them all): then only they are looked at, not the
        whole run's tasks each frame."""
        owner, before = self._owner, self._filtered
        seen = len(before) if before is not None and before is not order else -1
        if 0 <= seen <= len(order) and order[:seen] == before:
            self._program_rows.extend(tid for tid in order[seen:] if tid not in owner)
        else:
            self._program_rows = [tid for tid in order if tid not in owner]
        self._filtered = order
        return self._program_rows

    def depth(self, tid: int, show_library: bool = False) -> int:
        """How far in ``tid``'s row is indented: under its shown ancestors only. A handler
        whose parent is a folded library task must not look like the previous row's child."""
        track = self.model.tracks[tid]
        if show_library or not self._owner:
            return track.depth
        depth = self._depths.get(tid)
        if depth is None:
            tracks, owner = self.model.tracks, self._owner
            depth, parent = 0, track.info.parent
            while parent is not None:
                depth += parent not in owner
                parent = tracks[parent].info.parent
            self._depths[tid] = depth
        return depth

    def alive(self, owner: str) -> int:
        """How many of ``owner``'s tasks have not finished."""
        group = self.group(owner)
        if group is None:
            return 0
        tracks = self.model.tracks
        return sum(1 for tid in group.members if not tracks[tid].state.finished)

    def cells(self, owner: str, t0: int, dt: int, n: int, now: int | None = None) -> bytearray:
        """The group row as ``n`` plain-State cells of ``dt`` ns from ``t0``.

        A cell shows running if any member ran in it, else the most telling state by the
        model's own rules (a step shorter than half a cell is a brief step). Members
        finished before the window or made after it are passed over at the cost of a
        comparison; the rest are painted state by state, least telling first, so each
        cell ends with the most telling one without comparing cell by cell.
        """
        out = bytearray(n)
        group = self.group(owner)
        if group is None or dt <= 0 or n <= 0:
            return out
        model = self.model
        tracks = model.tracks
        t1 = t0 + dt * n
        by_rank: list[list[tuple[int, int, int]]] = [[] for _ in range(_RANKS)]
        for tid in group.members:
            track = tracks[tid]
            times = track.times
            if not times or times[0] >= t1 or (track.state.finished and times[-1] < t0):
                continue
            for start, end, state in model.intervals(tid, t0, t1, now):
                first = max(0, (start - t0) // dt)
                if state.finished:
                    last = first
                else:
                    last = min(n - 1, (max(end, start + 1) - 1 - t0) // dt)
                    if state is State.RUNNING and last <= first and 2 * (end - start) < dt:
                        state = State.STEP
                if first < n:
                    by_rank[_GROUP_RANK[state]].append((first, last, int(state)))
        busy = model.busy
        if busy is not None and now is not None and busy[0] in self._owner and self._owner[busy[0]] == owner:
            first, last = max(0, (busy[1] - t0) // dt), min(n - 1, (now - 1 - t0) // dt)
            if last >= first:
                by_rank[_GROUP_RANK[State.RUNNING]].append((first, last, int(State.RUNNING)))
        for spans in by_rank[1:]:
            for first, last, code in spans:
                out[first : last + 1] = bytes((code,)) * (last - first + 1)
        return out


_FOLDINGS: PerModel[Folding] = PerModel(Folding)


@on_forget
def _forget(model: TimelineModel, before_ns: int) -> None:
    folding = _FOLDINGS.existing(model)
    if folding is not None:
        folding.forget()


def folding_for(model: TimelineModel) -> Folding:
    """The one Folding of ``model``: every view of it folds the same tasks, worked out once."""
    return _FOLDINGS.of(model)
