"""Suspensions and wake-ups: what a task awaits, and the instant it became ready.

A mixin of :class:`~taskviz.stage.run.Run`: its state (``_waiting``, ``_joins``, the
hook) is set up by ``Run.__init__`` and lives on the run, so the wrapper reads it without
a hop. While a traced step runs, and some traced task awaits a future a step could
complete, the loop's ``call_soon`` is hooked. A future the step completes (``Event.set()``,
``Queue.put()``, ``cancel()``...) schedules its waiters' wake-ups through it at that very
instant, which is when they truly became ready, even if the step then blocks the loop.
Sleeps are ready at their deadline, known when they suspend; a traced task's waiters are
ready when its last step ends; anything else (I/O, executor results) is seen by a
done-callback, the first in line before the task's wake-up.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from ..wire.record import Kind
from .wrapper import TracedCoroutine

if TYPE_CHECKING:
    from .run import Run

_TASK_TYPES = {asyncio.tasks.Task, getattr(asyncio.tasks, "_PyTask", asyncio.tasks.Task)}
_AWAITING, _YIELDED, _WOKEN = Kind.AWAITING, Kind.YIELDED, Kind.WOKEN


class WakeUps:
    """The suspension and wake-up half of a run."""

    def _hook(self: Run) -> None:
        self.loop.call_soon = self._hooked_call_soon_bound  # type: ignore[method-assign]
        self._hooked = True

    def _unhook(self: Run) -> None:
        if not self._hooked:
            return
        self._hooked = False
        if self._prior_call_soon is None:
            del self.loop.call_soon
        else:
            self.loop.call_soon = self._prior_call_soon  # type: ignore[method-assign]

    def _suspended(self: Run, traced: TracedCoroutine, t0: int, t1: int, awaited: Any) -> None:
        if awaited is None:
            self._s(t0)
            self._t(t1)
            self._c(traced._code | _YIELDED)
            self._a(0)
            return
        label, location, deadline_s = self.describer.describe(traced._coro, awaited)
        self._s(t0)
        self._t(t1)
        self._c(traced._code | _AWAITING)
        self._a(label << 32 | location)
        key = id(awaited)
        entry = self._waiting.get(key) or self._joins.get(key)
        if entry is not None:
            entry[1].append(traced._tid)
            return
        deadline = None if deadline_s is None else int(deadline_s * 1_000_000_000)
        kind = type(awaited)
        if kind in _TASK_TYPES:
            self._joins[key] = (awaited, [traced._tid], None)
            coro = awaited.get_coro()
            if type(coro) is TracedCoroutine and coro._run is self:
                return  # woken when that task's last step ends, see _step_raised
        elif kind.__name__ == "_GatheringFuture":
            self._joins[key] = (awaited, [traced._tid], None)
        else:
            self._waiting[key] = (awaited, [traced._tid], deadline)
        try:
            awaited.add_done_callback(self._future_done_cb)
        except AttributeError:
            self._waiting.pop(key, None)  # not a future: the Task itself will reject it, as untraced

    def _hooked_call_soon(self: Run, callback: Any, *args: Any, context: Any = None) -> asyncio.Handle | None:
        """``loop.call_soon`` while a traced step runs.

        A future completing schedules its callbacks through here at that instant; ours is
        first in line, so the waiters' wake-up is recorded now instead of being queued.
        Futures ignore what scheduling returns.
        """
        if callback is self._future_done_cb:
            self._future_done(args[0])
            return None
        return self._call_soon(callback, *args, context=context)

    def _future_done(self: Run, future: Any) -> None:
        entry = self._waiting.pop(id(future), None) or self._joins.pop(id(future), None)
        if entry is not None:
            self._wake(entry, self.clock())

    def _wake(self: Run, entry: tuple[Any, list[int], int | None], now: int) -> None:
        deadline = entry[2]
        when = now if deadline is None or deadline > now else deadline
        for tid in entry[1]:
            self._instant(when, tid, _WOKEN)
