"""Suspensions and wake-ups: what a task awaits, and the instant it became ready.

A mixin of :class:`~taskviz.stage.run.Run`. A task becomes ready when what it awaits
completes: the future then schedules the task's own wake-up (``task_wakeup``) through
``loop.call_soon``, at that very instant, inside whatever step or callback completed it
(``Event.set()``, ``Queue.put()``, ``cancel()``, a socket's data, a timer, the last step
of a task it joins). So the loop's ``call_soon`` is answered on the loop instance for the
whole run (``hooks``), and every wake-up of a traced task passing through it is a WOKEN
row, even if the step that completed the future then blocks the loop. Nothing is added
to the awaited future and nothing is looked up per await: the wrapper is reached from the
wake-up itself. A sleep is ready at its deadline, known when it suspends: its timer only
fires once the loop gets control back, which may be long after.
"""

from __future__ import annotations

import asyncio
import threading
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..wire.record import Kind
from .awaits import LINK_TYPES, deeper_wait
from .wrapper import TracedCoroutine

if TYPE_CHECKING:
    from .run import Run

_AWAITING, _YIELDED, _WOKEN = Kind.AWAITING, Kind.YIELDED, Kind.WOKEN
_BUILTIN = types.BuiltinMethodType
_COROUTINE = types.CoroutineType
_BOUND = types.MethodType
_PY_WAKEUP = getattr(getattr(asyncio.tasks, "_PyTask", None), "_Task__wakeup", None)
_get_ident = threading.get_ident
_FAR_S = 1e12  # a sleep ending later (in loop seconds: 30,000 years) is never ready in a run; 1e300 s is no int of ns


def traced_wakeup(callback: Any) -> TracedCoroutine | None:
    """The wrapper of the task ``callback`` wakes up, if it is a traced task's wake-up.

    The C task schedules a ``task_wakeup`` bound to itself; the pure-Python one its
    ``__wakeup`` method. Its step (``TaskStepMethWrapper``) is not a wake-up: a task
    scheduled to start, or yielding bare, was ready already.
    """
    kind = type(callback)
    if kind is _BUILTIN:
        if callback.__name__ != "task_wakeup":
            return None
    elif kind is not _BOUND or callback.__func__ is not _PY_WAKEUP:
        return None
    coro = getattr(callback.__self__, "_coro", None)
    return coro if type(coro) is TracedCoroutine else None


def watching_call_soon(loop: asyncio.AbstractEventLoop, prior: Any = None) -> Callable[..., asyncio.Handle]:
    """A ``call_soon`` for ``loop``'s instance that sees each traced task's wake-up pass.

    On a loop whose ``call_soon`` is asyncio's own (the same on 3.11-3.13), this *is*
    that method, line for line, plus one type test: a wrapper around it would add a
    call with keyword arguments to every callback the loop schedules, steps included.
    Any other ``call_soon`` (the program's, ``prior``) is called through.
    """
    if prior is None and getattr(type(loop), "call_soon", None) is asyncio.BaseEventLoop.call_soon:
        base: Any = loop
        check_closed = base._check_closed
        schedule = base._call_soon

        def call_soon(callback: Any, *args: Any, context: Any = None) -> asyncio.Handle:
            check_closed()
            if base._debug:
                base._check_thread()
                base._check_callback(callback, "call_soon")
            kind = type(callback)
            if kind is _BUILTIN:  # traced_wakeup, inlined for the C task: this runs at every callback scheduled
                if callback.__name__ == "task_wakeup":
                    traced = getattr(callback.__self__, "_coro", None)
                    if type(traced) is TracedCoroutine:
                        traced._run._woken(traced, args)
            elif kind is _BOUND:
                traced = traced_wakeup(callback)
                if traced is not None:
                    traced._run._woken(traced, args)
            handle = schedule(callback, args, context)
            if handle._source_traceback:
                del handle._source_traceback[-1]
            return handle

        return call_soon
    inner = prior if prior is not None else loop.call_soon

    def call_through(callback: Any, *args: Any, context: Any = None) -> asyncio.Handle:
        kind = type(callback)
        if kind is _BUILTIN or kind is _BOUND:
            traced = traced_wakeup(callback)
            if traced is not None:
                traced._run._woken(traced, args)
        return inner(callback, *args, context=context)

    return call_through


class WakeUps:
    """The suspension and wake-up half of a run."""

    def _suspended(self: Run, traced: TracedCoroutine, t0: int, t1: int, awaited: Any) -> None:
        """A step ended awaiting ``awaited``: its row, and its deadline if it sleeps."""
        if awaited is None:  # a bare yield after a throw (the wrapper's send handles its own)
            traced._deadline = None
            self._s(t0)
            self._t(t1)
            self._c(traced._code | _YIELDED)
            self._a(0)
            return
        self._ended_id = 0  # a future awaited from now on may reuse a finished task's address (see _woken)
        sites = traced._sites  # the waits of its code seen before (see awaits.Site)
        site = below = None
        if sites is not None:
            coro = traced._coro
            below = coro.cr_await
            if type(below) is _COROUTINE:
                site = sites.get(coro.cr_frame.f_lasti)
        if site is not None and site[0] is below.cr_code and type(below.cr_await) not in LINK_TYPES:  # one library call (Queue.get): inlined
            label, location, kind = site[1], site[2], site[3]
            target = None if kind is None else (kind, below)
            traced._deadline = None
        else:
            found = None if site is None else deeper_wait(below, site)
            if found is None:
                found = self.describer.describe(traced._coro, awaited, traced)
            label, location, deadline_s, target = found
            traced._deadline = int(deadline_s * 1_000_000_000) if deadline_s is not None and deadline_s < _FAR_S else None
        library = self._library_tasks
        if library and traced._tid in library and location in self.describer.user_locations:
            self._runs_program_code(traced._tid)
        self._s(t0)
        self._t(t1)
        self._c(traced._code | _AWAITING)
        wait = label << 32 | location
        self._a(wait)
        if target is not None:  # a lock, a queue, a join...: what the wait-for graph needs (``waitfor``)
            lines = traced._lines
            if lines is None or wait not in lines:  # a queue's wait known at this line, with this label: nothing to add
                self._waits_on(traced, target, wait)

    def _woken(self: Run, traced: TracedCoroutine, args: tuple[Any, ...]) -> None:
        """``traced``'s task was scheduled to wake up, now (see the module docstring).

        ``_deadline`` says when it was ready at the latest, if that was known before: a
        sleep's end. A task it joins (``args[0]``, the future that completed) ended with
        the step that just finished it (``run._ended_id``): it was ready when that step
        ended, before the run's own bookkeeping of the step and asyncio's of the task.
        The id, not the task, is kept (a reference would keep the task alive longer than
        the program does); any suspension clears it, so no future reusing the address of a
        task long gone can match it.
        """
        if self.finished_ns is not None:
            return
        when = self.clock()
        deadline = traced._deadline
        if deadline is not None and deadline < when:
            when = deadline
        elif self._ended_id and args and id(args[0]) == self._ended_id:
            when = self._ended_at
        if _get_ident() != self._loop_thread:  # a future completed (wrongly) off the loop's thread
            self._from_threads.append((when, traced._code | _WOKEN, 0, None))
            return
        self._s(when)
        self._t(when)
        self._c(traced._code | _WOKEN)
        self._a(0)
