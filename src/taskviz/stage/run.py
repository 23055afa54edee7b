"""A run: one instrumented execution of a program's ``main()`` on a loop, start to end.

This module is its lifecycle: start, the step that ends a coroutine, the end of the run.
Mixins on the same instance do the rest: ``rows`` (a task's row when it is created),
``wakeups`` (suspensions and wake-ups), ``waitfor`` (what a wait is on), ``jobs``
(executor jobs); see ``tracing``.
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

from ..wire.record import EventRecord, Kind, Outcome
from .awaits import AwaitDescriber
from .reprs import Later
from .hooks import CURRENT_RUN, hooks_for
from .jobs import ThreadJobs
from .owners import Owners
from .rows import TaskRows
from .stall import StallWatch
from .task_class import real_task_class
from .waitfor import WaitsFor
from .wakeups import WakeUps
from .wrapper import TracedCoroutine

_DONE = Kind.DONE
_OK, _FAILED, _CANCELLED = Outcome.OK, Outcome.FAILED, Outcome.CANCELLED


class Run(TaskRows, WakeUps, WaitsFor, ThreadJobs):
    """One instrumented execution of a scenario's ``main()`` on a loop.

    Create it on the loop's thread with :meth:`start`; it records until its root task and
    every task left behind have finished, then takes its hooks off the loop.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, record: EventRecord | None = None,
                 contain_exits: bool = False) -> None:
        self.loop = loop
        self.contain_exits = contain_exits
        self.record = record if record is not None else EventRecord()
        self.clock = _clock_for(loop)
        self.gate: Any = None  # a stage's StepGate: each step passes it, so a paused run holds still
        self.busy: tuple[int, int, str] | None = None  # (task, step start, line) of a step running long now
        stage_clock = getattr(loop, "_stage_clock", None)
        if stage_clock is not None and stage_clock.fast:
            stage_clock.on_change.append(self._clock_changed)
        self.describer = AwaitDescriber(self.record)
        self._init_waits()
        self.later = Later()  # values to describe when the run ends, outside its steps (see reprs)
        self.owners = Owners(self.describer)  # which tasks are a library's internals
        self._library_tasks = self.owners.library  # the same set: one attribute read at each suspension
        self.root: asyncio.Task[Any] | None = None
        self.root_tid = 0
        self.loop_wide = False  # traces every task on the loop (a program's own loop), not a root's
        self.started_ns = 0
        self.root_done_ns: int | None = None
        self.finished_ns: int | None = None
        self._tasks: dict[int, asyncio.Task[Any]] = {}
        self._loop_thread = threading.get_ident()
        self._watch: StallWatch | None = None
        self._ended_id = 0  # id of the task whose last step ended last, and when (see wakeups._woken)
        self._ended_at = 0
        self._from_threads: collections.deque[tuple[int, int, int, Any]] = collections.deque()
        record = self.record
        self._s, self._t, self._c, self._a = (
            record.starts.append,
            record.times.append,
            record.codes.append,
            record.args.append,
        )

    @classmethod
    def start(cls, main: Coroutine[Any, Any, Any], loop: asyncio.AbstractEventLoop | None = None,
              record: EventRecord | None = None, contain_exits: bool = False) -> Run:
        """Begin recording and schedule ``main`` as the run's root task.

        ``contain_exits``: a ``sys.exit()`` or KeyboardInterrupt raised by the scenario fails
        its task instead of stopping the loop, which on the app's loop would stop the app.
        """
        loop = loop or asyncio.get_running_loop()
        run = cls(loop, record, contain_exits)
        hooks = hooks_for(loop)
        hooks.attach(run)
        run.started_ns = run.clock()
        context = contextvars.copy_context()
        context.run(CURRENT_RUN.set, run)
        try:
            # Built directly, not through the loop's factory and not inside ``context.run``:
            # as under ``asyncio.run``, main never starts eagerly in its creator's step (an eager
            # factory entering the already-entered context fails, and on 3.12 leaves the loop's
            # current task set for good).
            traced = run.adopt(main)
            run.root = real_task_class()(traced, loop=loop, context=context)
            run._tasks[traced._tid] = run.root
        except BaseException:
            hooks.detach(run)
            raise
        run.root.add_done_callback(run._root_done)
        run._watch = StallWatch(run)
        run._watch.start()
        return run

    @classmethod
    def watch_loop(cls, loop: asyncio.AbstractEventLoop, record: EventRecord) -> Run:
        """Trace every task made on ``loop`` from now until it closes: a program's own loop.

        There is no root of ours: the program makes its tasks (``asyncio.run``'s main is
        the first) and ends them itself; the run's root is the first task made on it.
        """
        run = cls(loop, record)
        run.loop_wide = True
        hooks = hooks_for(loop)
        hooks.attach(run)
        hooks.loop_run = run
        run.started_ns = run.clock()
        run._watch = StallWatch(run)
        run._watch.start()
        return run

    def set_aside(self) -> None:
        """Stop tracing into the shared record (another thread's loop is using it): record nowhere."""
        private = EventRecord()
        private.tasks.extend(self.record.tasks)  # rows it made already keep their ids
        self.record = private
        self.describer = AwaitDescriber(private)
        self._init_waits()
        self._s, self._t, self._c, self._a = private.starts.append, private.times.append, private.codes.append, private.args.append
        self.close()

    def _clock_changed(self) -> None:
        """The stage clock was paused or slowed: from now on it, not ``monotonic_ns``, is the time."""
        self.clock = self.loop._stage_clock.now_ns  # type: ignore[attr-defined]

    @property
    def running(self) -> bool:
        """True until the root task and every task it left behind have finished."""
        return self.finished_ns is None

    @property
    def wall_ns(self) -> int:
        """How long ``main()`` took, as ``asyncio.run`` would see it."""
        end = self.root_done_ns if self.root_done_ns is not None else self.clock()
        return end - self.started_ns

    def now_ns(self) -> int:
        """Time since the run started, frozen once it has finished."""
        end = self.finished_ns if self.finished_ns is not None else self.clock()
        return end - self.started_ns

    def task(self, tid: int) -> asyncio.Task[Any] | None:
        """The live asyncio task behind ``tid``, while it has not finished."""
        return self._tasks.get(tid)

    def cancel(self) -> None:
        """Cancel the whole scenario: its root and every task it left alive."""
        for task in list(self._tasks.values()):
            task.cancel()
        if self.root is not None:
            self.root.cancel()

    async def wait(self) -> None:
        """Until the root task and every task it left behind have finished."""
        if self.root is not None:
            await asyncio.wait([self.root])
        while self._tasks:
            await asyncio.wait(list(self._tasks.values()))
        await asyncio.sleep(0)

    # -- steps: called by the wrapper ------------------------------------------------------

    def _step_raised(self, traced: TracedCoroutine, t0: int, exc: BaseException) -> None:
        """The step finished the coroutine: returned (StopIteration), raised or was cancelled."""
        t1 = self.clock()
        tid = traced._tid
        if isinstance(exc, StopIteration):
            outcome, value = _OK, exc.value
        elif isinstance(exc, asyncio.CancelledError):
            outcome, value = _CANCELLED, exc
        else:
            outcome, value = _FAILED, exc
        self._s(t0)
        self._t(t1)
        self._c(traced._code | _DONE)
        self._a(outcome)  # an IntEnum: the column stores its int
        record = self.record
        info = record.tasks[tid]
        task = self._tasks.pop(tid, None)
        if task is not None:
            info.name = task.get_name()
            self._ended_id, self._ended_at = id(task), t1  # its joiners' wake-ups follow at once (see _woken)
        info.outcome = outcome
        if outcome is _OK:
            if value is None:  # what most coroutines return: _describe_outcome says the same, but its call costs ~2,000 instructions a task
                info.result = "None"
            else:
                self._describe_outcome(info, value, False)
        elif outcome is _FAILED or value.args:
            self._describe_outcome(info, value, failed=True)
        record.touch(tid)
        if self.loop_wide:
            if tid == self.root_tid and self.root_done_ns is None:
                self.root_done_ns = t1
        elif not self._tasks and self.root_done_ns is not None:
            self.close()
        if self.contain_exits and isinstance(exc, (SystemExit, KeyboardInterrupt)):
            raise RuntimeError(f"the scenario raised {type(exc).__name__}; taskviz kept running") from exc

    # -- the end -------------------------------------------------------------------------

    def _root_done(self, root: asyncio.Future[Any]) -> None:
        """Like ``asyncio.run``: when main returns, tasks it left running are cancelled.

        main's own exception is the run's outcome, shown by whoever shows the run, so it is
        marked retrieved here rather than logged as "never retrieved".
        """
        self.root_done_ns = self.clock()
        if not root.cancelled():
            root.exception()
        for task in list(self._tasks.values()):
            task.cancel()
        if not self._tasks:
            self.close()

    def describe_later(self) -> None:
        """Describe the values that had to wait (see ``reprs``): call outside every step, at the end."""
        self.later.describe_all()

    def close(self) -> None:
        """Stop recording: take the hooks off the loop. Safe to call twice."""
        if self.finished_ns is not None:
            return
        self.sync()
        self.finished_ns = self.clock()
        if self._watch is not None:
            self._watch.stop()
        hooks_for(self.loop).detach(self)


def _clock_for(loop: asyncio.AbstractEventLoop) -> Callable[[], int]:
    """Nanoseconds on the loop's own clock, so virtual-time runs record virtual time."""
    stage_clock = getattr(loop, "_stage_clock", None)
    if stage_clock is not None:
        return time.monotonic_ns if stage_clock.fast else stage_clock.now_ns
    if getattr(loop.time, "__func__", None) is asyncio.BaseEventLoop.time:  # not vars(loop): see __init__
        return time.monotonic_ns
    loop_time = loop.time
    return lambda: max(0, int(loop_time() * 1_000_000_000))  # the columns hold no negative time

