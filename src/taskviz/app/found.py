"""The findings as the app shows them: worked out from the model a few times a second at most,
and read by every view at the instant it shows.

``findings(model)`` looks over the whole run each time (about 14 ms for a run of 20,000
tasks, over a second for a server's 100,000 requests), so no frame calls it: the main
screen's frame asks ``FoundWatch.update``, which works them out again only when the model
has grown, and while a run is live at most every ``REFRESH_S``, and no sooner than
``COST_SHARE`` times what the last pass took: however long a live run goes on, its
findings take at most a twentieth of the app's time. The panel, the timeline's marks and
the header read ``FoundWatch.found``.

A replay's model reads a record that already holds the whole run (its alerts among it),
so each view keeps only the findings made by the instant it shows (``Found.until``).

A deadlock is said while it holds: from the instant its cycle formed until the first of
its waits ends (a timeout or a cancellation breaks it), even while other tasks still run.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from dataclasses import dataclass, field

from ..model.findings import Finding, findings
from ..model.names import task_name
from ..model.per_model import PerModel
from ..model.retention import on_forget
from ..model.timeline import TimelineModel
from ..model.waitfor import Cycle, WaitFor, waitfor_for
from ..text import visible
from ..wire.record import WaitObject

REFRESH_S = 0.5  # while live: how often the findings are worked out again, at most
KEPT_FROM_HISTORY = 500  # findings made before a live run's window, kept when it forgets (the latest)
COST_SHARE = 20  # while live: a pass waits this many times what the last one took

KIND_GLYPHS = {"deadlock": "⇄", "blocking": "■", "no_await": "∞", "fire_and_forget": "↯", "self_wake": "↻",
               "never_awaited": "∅"}
"""One glyph a kind, in the findings panel. A deadlock's, ⇄ (tasks waiting on each other), is
never ✗: that is a failed task's look on the timeline."""
DEADLOCK_MARK, FINDING_MARK = KIND_GLYPHS["deadlock"], "⚠"  # on the time axis, before a task's name, in the header
DEADLOCK_COLOR, FINDING_COLOR = "#ff5f5f", "#ffaf00"  # the blocked loop's red; amber, a warning

_LINE = re.compile(r":(\d+)$")


@dataclass(frozen=True)
class Deadlock:
    """A cycle of waits, said in words, holding from ``at_ns`` until ``end_ns`` (None: still)."""

    at_ns: int
    end_ns: int | None
    tasks: tuple[int, ...]
    words: str  # "a waits for b (lock bob_lock, line 30); b waits for a (lock alice_lock, line 30)"

    def holds(self, t: int) -> bool:
        return self.at_ns <= t and (self.end_ns is None or t < self.end_ns)


@dataclass(frozen=True)
class Found:
    """The findings of a run so far, with what each view asks of them made quick to answer."""

    findings: tuple[Finding, ...] = ()  # in time order
    deadlocks: tuple[Deadlock, ...] = ()
    _times: list[int] = field(default_factory=list, compare=False)
    _flagged: dict[int, int] = field(default_factory=dict, compare=False)  # task -> its first finding's instant
    _deadlocked: dict[int, int] = field(default_factory=dict, compare=False)  # task -> when its cycle formed

    def __post_init__(self) -> None:
        self._times.extend(finding.at_ns for finding in self.findings)
        for finding in self.findings:
            for tid in finding.task_ids:
                self._flagged.setdefault(tid, finding.at_ns)
        for deadlock in self.deadlocks:
            for tid in deadlock.tasks:
                self._deadlocked.setdefault(tid, deadlock.at_ns)

    def until(self, t: int) -> tuple[Finding, ...]:
        """The findings made by instant ``t``."""
        return self.findings[: bisect_right(self._times, t)]

    def holding(self, t: int) -> Deadlock | None:
        """The first deadlock holding at ``t``, if one does."""
        return next((deadlock for deadlock in self.deadlocks if deadlock.holds(t)), None)

    def deadlock_words(self, t: int) -> str | None:
        """The header's words for the deadlocks holding at ``t``, or None."""
        held = [deadlock.words for deadlock in self.deadlocks if deadlock.holds(t)]
        return "; ".join(held) or None

    def mark(self, tid: int, t: int) -> str | None:
        """The mark before task ``tid``'s name at ``t``: in a deadlock that formed by then, or found otherwise."""
        if self._deadlocked.get(tid, t + 1) <= t:
            return DEADLOCK_MARK
        return FINDING_MARK if self._flagged.get(tid, t + 1) <= t else None

    def axis_marks(self, t: int, start_ns: int, ns_per_cell: int, cells: int) -> dict[int, str]:
        """The time axis's marks by cell, for the findings made by ``t`` in the view: a deadlock's wins its cell."""
        out: dict[int, str] = {}
        for finding in self.until(t):
            cell = (finding.at_ns - start_ns) // max(1, ns_per_cell)
            if 0 <= cell < cells and out.get(cell) != DEADLOCK_MARK:
                out[cell] = DEADLOCK_MARK if finding.kind == "deadlock" else FINDING_MARK
        return out


class FoundWatch:
    """One model's findings, kept up with it at a bounded cost."""

    def __init__(self, model: TimelineModel) -> None:
        self.model = model
        self.found = Found()
        self._consumed = -1
        self._at = -REFRESH_S
        # what was found before a live run's window forgot its history (``model/retention``): the
        # model no longer holds what they were found in, so they are kept as they were
        self._before: tuple[Finding, ...] = ()
        self._deadlocks_before: tuple[Deadlock, ...] = ()
        self._spent = 0.0  # what the last pass took, in seconds

    def forget_before(self, t: int) -> None:
        """The model is about to forget what happened before ``t``: keep what was found in it."""
        found = self.found
        self._before = tuple(finding for finding in found.findings if finding.at_ns < t)[-KEPT_FROM_HISTORY:]
        self._deadlocks_before = tuple(deadlock for deadlock in found.deadlocks if deadlock.at_ns < t)
        self._consumed = -1  # worked out again at the next update, over what is held

    def update(self, live: bool) -> bool:
        """Work the findings out again if the model grew (live: not twice within ``REFRESH_S``,
        nor within ``COST_SHARE`` times the last pass); whether they changed."""
        model = self.model
        now = time.perf_counter()
        if model.consumed == self._consumed or (live and now - self._at < max(REFRESH_S, COST_SHARE * self._spent)):
            return False
        self._consumed, self._at = model.consumed, now
        found = tuple(findings(model))
        deadlocks: tuple[Deadlock, ...] = ()
        if any(finding.kind == "deadlock" for finding in found):
            waits = waitfor_for(model)  # the graph findings() just brought up to date
            deadlocks = tuple(_deadlock(model, waits, cycle) for cycle in waits.cycles())
        if self._before:
            before = set(self._before)
            found = tuple(sorted(self._before + tuple(finding for finding in found if finding not in before),
                                 key=lambda finding: finding.at_ns))
        if self._deadlocks_before:
            deadlocks = self._deadlocks_before + tuple(d for d in deadlocks if d not in self._deadlocks_before)
        fresh = Found(found, deadlocks)
        changed = fresh != self.found
        self.found = fresh
        self._spent = time.perf_counter() - now
        return changed


def _deadlock(model: TimelineModel, waits: WaitFor, cycle: Cycle) -> Deadlock:
    """The cycle in the header's words, ending when the first of its waits did."""
    edges = cycle.edges
    ends = [wait.end_ns for wait in (waits.wait_at(edge.task, cycle.at_ns) for edge in edges)
            if wait is not None and wait.end_ns is not None]
    parts = []
    for i, edge in enumerate(edges):
        other = edges[(i + 1) % len(edges)].task
        line = _LINE.search(edge.location)
        where = ", ".join(filter(None, [_what(edge.object), f"line {line.group(1)}" if line else visible(edge.location)]))
        parts.append(f"{_short_name(model, edge.task)} waits for {_short_name(model, other)} ({where})")
    return Deadlock(cycle.at_ns, min(ends, default=None), cycle.tasks, "; ".join(parts))


def _short_name(model: TimelineModel, tid: int) -> str:
    """The start of the task's row name: the name the program gave it, when it gave one
    (``alice_to_bob``, not ``alice_to_bob: transfer('alice', Lock, …)``), so a sentence of
    several tasks fits the header's one line."""
    full, given = task_name(model, tid), model.record.tasks[tid].name
    named = visible(given) if given and not given.startswith("Task-") else ""
    return named if named and full.startswith(f"{named}: ") else full


def _what(found: WaitObject) -> str:
    """What a wait is on, short: ``lock bob_lock``, ``gather``."""
    if found.kind == "lock":
        return f"lock {visible(found.name)}" if found.name else "a lock"
    return "" if found.kind == "task" else visible(found.kind)


_WATCHES: PerModel[FoundWatch] = PerModel(FoundWatch)


@on_forget
def _forget(model: TimelineModel, before_ns: int) -> None:
    watch = _WATCHES.existing(model)
    if watch is not None:
        watch.forget_before(before_ns)


def watch_for(model: TimelineModel) -> FoundWatch:
    """The model's watch: one per model, shared by every view of it."""
    return _WATCHES.of(model)
