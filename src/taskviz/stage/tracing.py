"""Instrumentation: every task a scenario creates is wrapped, and each of its steps recorded.

The hooks, all on one loop instance for the length of a run and nothing else patched:

* a task factory (chained to any factory already there) that wraps the coroutine of
  every task created while the run's context variable is set; asyncio copies that
  variable into every task created under the root task, so exactly the scenario's tasks
  are traced and the app's own never are;
* the wrapper itself, one module-level class (asyncio caches every type that passes
  ``iscoroutine``, so a class per run would leak), which sees each step start and end;
* while a traced step runs (and some traced task awaits a future: else there is nothing
  to wake), a hook on the loop's ``call_soon``: a future the step completes (``Event.set()``,
  ``Queue.put()``, ``cancel()``...) schedules its waiters' wake-ups through it at that very
  instant, which is when they truly became ready, even if the step then blocks the loop.
  Outside steps the hook is off, so the loop's own scheduling pays nothing. Sleeps are
  ready at their deadline, known when they suspend; a traced task's waiters are ready
  when its last step ends; anything else (I/O, executor results) is seen by a
  done-callback, the first in line before the task's wake-up;
* the loop's default executor, so that jobs sent to threads show as rows of their own.

This module knows nothing about Textual; it only writes to an ``EventRecord``.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextvars
import functools
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable, Coroutine, Generator
from types import FrameType
from typing import Any

from .awaits import AwaitDescriber, display_path
from .task_class import install as install_task_class, real_task_class
from ..wire.record import KIND_BITS, KIND_MASK, EventRecord, Kind, Outcome, TaskInfo, describe_args, describe_value

_TASK_TYPES = {asyncio.tasks.Task, getattr(asyncio.tasks, "_PyTask", asyncio.tasks.Task)}
_STAGE_DIR = os.path.dirname(os.path.abspath(__file__))
ARGS_FOR_FIRST = 500  # arguments are recorded for a run's first tasks: the rows people read
_CURRENT_RUN: contextvars.ContextVar[Run | None] = contextvars.ContextVar("taskviz_run", default=None)

_AWAITING, _YIELDED, _WOKEN, _DONE, _CREATED, _STARTED = (
    Kind.AWAITING,
    Kind.YIELDED,
    Kind.WOKEN,
    Kind.DONE,
    Kind.CREATED,
    Kind.STARTED,
)


class TracedCoroutine(Coroutine[Any, Any, Any]):
    """Stands in for a scenario coroutine inside its Task, recording every step.

    ``send`` is the hot path of the whole tool: one clock read on each side of the step,
    one row of four ints, and the wake-up hook switched on for the step's duration.
    """

    __slots__ = ("_coro", "_run", "_tid", "_code", "__weakref__")

    def __init__(self, coro: Coroutine[Any, Any, Any], run: Run, tid: int) -> None:
        self._coro = coro
        self._run = run
        self._tid = tid
        self._code = tid << KIND_BITS

    def send(self, value: Any) -> Any:
        run = self._run
        if run.gate is not None and run.gate.armed:
            run.gate.enter()
        if run._waiting:
            run._loop_vars["call_soon"] = run._hook
            hooked = True
        else:
            hooked = False
        t0 = run.clock()
        try:
            awaited = self._coro.send(value)
        except BaseException as exc:
            run._step_raised(self, t0, exc)
            raise
        if hooked:
            run._unhook()
        t1 = run.clock()
        if awaited is None:
            run._s(t0)
            run._t(t1)
            run._c(self._code | _YIELDED)
            run._a(0)
        else:
            run._suspended(self, t0, t1, awaited)
        return awaited

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        """Cancellation and errors thrown in: rare, so it shares the slow paths."""
        run = self._run
        if run.gate is not None and run.gate.armed:
            run.gate.enter()
        run._loop_vars["call_soon"] = run._hook
        t0 = run.clock()
        try:
            if val is None and tb is None:
                awaited = self._coro.throw(typ)
            else:
                awaited = self._coro.throw(typ, val, tb)
        except BaseException as exc:
            run._step_raised(self, t0, exc)
            raise
        run._unhook()
        run._suspended(self, t0, run.clock(), awaited)
        return awaited

    def close(self) -> None:
        self._coro.close()

    def __await__(self) -> Generator[Any, None, Any]:
        return self._coro.__await__()

    def __getattr__(self, name: str) -> Any:
        """``cr_frame``, ``cr_await``, ``__qualname__``...: the wrapper reads as the coroutine it holds."""
        return getattr(self._coro, name)


class Run:
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
        self.root: asyncio.Task[Any] | None = None
        self.started_ns = 0
        self.root_done_ns: int | None = None
        self.finished_ns: int | None = None
        self._tasks: dict[int, asyncio.Task[Any]] = {}
        # Futures traced tasks await, by id: those a step may complete (the wake-up hook is on
        # while there are any), and joins on tasks and gathers, which only loop callbacks or
        # a task's last step complete.
        self._waiting: dict[int, tuple[Any, list[int], int | None]] = {}
        self._joins: dict[int, tuple[Any, list[int], int | None]] = {}
        self._loop_thread = threading.get_ident()
        self._watch: StallWatch | None = None
        self._from_threads: collections.deque[tuple[int, int, int, Any]] = collections.deque()
        self._loop_vars: dict[str, Any] = vars(loop)
        self._prior_call_soon: Any = self._loop_vars.get("call_soon")
        self._call_soon = loop.call_soon
        self._hook = self._hooked_call_soon
        self._future_done_cb = self._future_done
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
        hooks = _hooks_for(loop)
        hooks.attach(run)
        run.started_ns = run.clock()
        context = contextvars.copy_context()
        context.run(_CURRENT_RUN.set, run)
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

    # -- tasks: called by the task factory --------------------------------------------

    def adopt(self, coro: Coroutine[Any, Any, Any]) -> TracedCoroutine:
        record = self.record
        tid = len(record.tasks)
        parent = _current_traced_task(self)
        # Tasks started by loop callbacks (a server accepting connections), and theirs, are the server's.
        server = self.root is not None and (parent is None or record.tasks[parent].group == "server")
        record.tasks.append(
            TaskInfo(tid, parent, _qualname(coro), self._creation_site(coro), group="server" if server else "",
                     args=_call_args(coro) if tid < ARGS_FOR_FIRST else "")
        )
        self._instant(self.clock(), tid, _CREATED, 0 if parent is None else parent + 1)
        return TracedCoroutine(coro, self, tid)

    def _creation_site(self, coro: Any) -> str:
        """The user line that created the task, or the coroutine's own definition."""
        describer = self.describer
        frame: FrameType | None = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename.startswith(_STAGE_DIR):
            frame = frame.f_back
        site = describer.creation_site(frame)
        if site:
            return self.record.strings[site]
        code = getattr(coro, "cr_code", None) or getattr(_unwrap_job(coro), "__code__", None)
        if code is None:
            return ""
        return self.record.strings[describer.location_of(code, code.co_firstlineno)]

    def _instant(self, t: int, tid: int, kind: Kind, arg: int = 0) -> None:
        self._s(t)
        self._t(t)
        self._c(tid << KIND_BITS | kind)
        self._a(arg)

    # -- steps: called by the wrapper ------------------------------------------------------

    def _unhook(self) -> None:
        if self._prior_call_soon is None:
            self._loop_vars.pop("call_soon", None)
        else:
            self._loop_vars["call_soon"] = self._prior_call_soon

    def _suspended(self, traced: TracedCoroutine, t0: int, t1: int, awaited: Any) -> None:
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

    def _step_raised(self, traced: TracedCoroutine, t0: int, exc: BaseException) -> None:
        """The step finished the coroutine: returned (StopIteration), raised or was cancelled."""
        self._unhook()
        t1 = self.clock()
        tid = traced._tid
        if isinstance(exc, StopIteration):
            outcome, value = Outcome.OK, exc.value
        elif isinstance(exc, asyncio.CancelledError):
            outcome, value = Outcome.CANCELLED, exc
        else:
            outcome, value = Outcome.FAILED, exc
        self._s(t0)
        self._t(t1)
        self._c(traced._code | _DONE)
        self._a(int(outcome))
        info = self.record.tasks[tid]
        task = self._tasks.pop(tid, None)
        if task is not None:
            info.name = task.get_name()
            waiters = self._joins.pop(id(task), None)
            if waiters is not None:
                self._wake(waiters, t1)
        info.outcome = outcome
        if outcome is Outcome.OK:
            info.result = describe_value(value)
        elif outcome is Outcome.FAILED:
            info.exception = _exception_text(value)
        elif value.args:
            info.exception = f"CancelledError: {value}"
        self.record.touch(tid)
        if not self._tasks and self.root_done_ns is not None:
            self.close()
        if self.contain_exits and isinstance(exc, (SystemExit, KeyboardInterrupt)):
            raise RuntimeError(f"the scenario raised {_exception_text(exc)}; taskviz kept running") from exc

    # -- wake-ups ----------------------------------------------------------------------------

    def _hooked_call_soon(self, callback: Any, *args: Any, context: Any = None) -> asyncio.Handle | None:
        """``loop.call_soon`` while a traced step runs.

        A future completing schedules its callbacks through here at that instant; ours is
        first in line, so the waiters' wake-up is recorded now instead of being queued.
        Futures ignore what scheduling returns.
        """
        if callback is self._future_done_cb:
            self._future_done(args[0])
            return None
        return self._call_soon(callback, *args, context=context)

    def _future_done(self, future: Any) -> None:
        entry = self._waiting.pop(id(future), None) or self._joins.pop(id(future), None)
        if entry is not None:
            self._wake(entry, self.clock())

    def _wake(self, entry: tuple[Any, list[int], int | None], now: int) -> None:
        deadline = entry[2]
        when = now if deadline is None or deadline > now else deadline
        for tid in entry[1]:
            self._instant(when, tid, _WOKEN)

    # -- executor jobs: submitted on the loop thread, run on worker threads -------------

    def adopt_job(self, fn: Callable[..., Any]) -> Callable[[], Any]:
        """Wrap an executor job so it shows as a row of its own: queued, running, done."""
        record = self.record
        tid = len(record.tasks)
        parent = _current_traced_task(self)
        record.tasks.append(
            TaskInfo(tid, parent, _job_name(fn), self._creation_site(fn), name="thread", kind="thread",
                     args=_job_args(fn) if tid < ARGS_FOR_FIRST else "")
        )
        self._instant(self.clock(), tid, _CREATED, 0 if parent is None else parent + 1)
        inbox = self._from_threads
        clock = self.clock
        code = tid << KIND_BITS

        def job() -> Any:
            inbox.append((clock(), code | _STARTED, 0, threading.current_thread().name))
            try:
                result = fn()
            except BaseException as exc:
                inbox.append((clock(), code | _DONE, int(Outcome.FAILED), exc))
                raise
            inbox.append((clock(), code | _DONE, int(Outcome.OK), result))
            return result

        return job

    def sync(self) -> None:
        """Move what worker threads reported into the record; only the loop thread appends."""
        inbox = self._from_threads
        tasks = self.record.tasks
        while inbox:
            t, code, arg, detail = inbox.popleft()
            self._instant(t, code >> KIND_BITS, Kind(code & KIND_MASK), arg)
            info = tasks[code >> KIND_BITS]
            if code & KIND_MASK == _STARTED:
                info.name = detail
            else:
                info.outcome = Outcome(arg)
                if arg == Outcome.OK:
                    info.result = describe_value(detail)
                else:
                    info.exception = _exception_text(detail)
            self.record.touch(info.id)

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

    def close(self) -> None:
        """Stop recording: take the hooks off the loop. Safe to call twice."""
        if self.finished_ns is not None:
            return
        self.sync()
        self.finished_ns = self.clock()
        self._waiting.clear()
        self._joins.clear()
        if self._watch is not None:
            self._watch.stop()
        _hooks_for(self.loop).detach(self)



def _exception_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _clock_for(loop: asyncio.AbstractEventLoop) -> Callable[[], int]:
    """Nanoseconds on the loop's own clock, so virtual-time runs record virtual time."""
    stage_clock = getattr(loop, "_stage_clock", None)
    if stage_clock is not None:
        return time.monotonic_ns if stage_clock.fast else stage_clock.now_ns
    if type(loop).time is asyncio.BaseEventLoop.time and "time" not in vars(loop):
        return time.monotonic_ns
    loop_time = loop.time
    return lambda: int(loop_time() * 1_000_000_000)


def _qualname(coro: Any) -> str:
    return getattr(coro, "__qualname__", None) or type(coro).__name__


def _unwrap_job(fn: Any) -> Any:
    """``to_thread`` hands the executor ``partial(context.run, func, ...)``: find ``func``."""
    while isinstance(fn, functools.partial):
        inner = fn.func
        if getattr(inner, "__name__", "") == "run" and isinstance(getattr(inner, "__self__", None), contextvars.Context):
            fn = fn.args[0] if fn.args else inner
        else:
            fn = inner
    return fn


def _call_args(coro: Any) -> str:
    """A not-yet-started coroutine's frame holds just its arguments."""
    frame = getattr(coro, "cr_frame", None)
    if frame is None:
        return ""
    code = frame.f_code
    names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
    local = frame.f_locals
    return describe_args(local[name] for name in names if name in local and name != "self")


def _job_args(fn: Any) -> str:
    args: list[Any] = []
    while isinstance(fn, functools.partial):
        args = [*fn.args, *fn.keywords.values(), *args]
        fn = fn.func
    if args and isinstance(getattr(fn, "__self__", None), contextvars.Context):
        args = args[1:]  # to_thread's partial(context.run, func, ...): skip func itself
    return describe_args(args)


def _job_name(fn: Any) -> str:
    fn = _unwrap_job(fn)
    return getattr(fn, "__qualname__", None) or type(fn).__name__


def _current_traced_task(run: Run) -> int | None:
    try:
        task = asyncio.current_task()
    except RuntimeError:
        return None
    if task is None:
        return None
    coro = task.get_coro()
    if type(coro) is TracedCoroutine and coro._run is run:
        return coro._tid
    return None


class _LoopHooks:
    """The hooks on one loop, shared by the runs on it: ``create_task`` and the executor.

    ``loop.create_task`` is answered on the loop instance rather than through a task
    factory: then the program's own factory (``eager_task_factory``, or any it sets) is the
    loop's and makes the task around our wrapper, ``get_task_factory`` answers as it
    would, and no task's name changes (3.13.0's ``create_task`` renames every task a
    factory made and ``name`` was not given for, to "None"). A factory the loop had before
    the run (Textual's eager one on the app's loop) is not the program's: its tasks are
    made as ``asyncio.run`` would make them.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.runs: list[Run] = []
        self._factory_before: Any = None
        self._create_task = functools.partial(type(loop).create_task, loop)

    def attach(self, run: Run) -> None:
        if not self.runs:
            install_task_class(_wrap_for_current_run, _task_built)
            self._factory_before = self.loop.get_task_factory()
            run._loop_vars["create_task"] = self._traced_create_task
            if not isinstance(getattr(self.loop, "_default_executor", None), TracingExecutor):
                self.loop.set_default_executor(TracingExecutor(thread_name_prefix="asyncio"))
        self.runs.append(run)

    def detach(self, run: Run) -> None:
        if run in self.runs:
            self.runs.remove(run)
        if self.runs:
            return
        run._loop_vars.pop("create_task", None)
        _HOOKS.pop(self.loop, None)

    def _traced_create_task(self, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        traced = _wrap_for_current_run(coro)
        if traced is coro:
            return self._create_task(coro, **kwargs)
        factory = self.loop.get_task_factory()
        if factory is not None and factory is self._factory_before:
            task = real_task_class()(traced, loop=self.loop, **kwargs)
        else:
            task = self._create_task(traced, **kwargs)
        _task_built(traced, task)
        return task


def _wrap_for_current_run(coro: Any) -> Any:
    """The wrapper to run in a new task's place, when the task belongs to a run; else ``coro``."""
    run = _CURRENT_RUN.get()
    if run is None or run.finished_ns is not None or type(coro) is TracedCoroutine or not asyncio.iscoroutine(coro):
        return coro
    return run.adopt(coro)


def _task_built(traced: TracedCoroutine, task: asyncio.Future[Any]) -> None:
    """The task exists: keep it while it runs. An eager one may already have finished."""
    run = traced._run
    if task.done():
        run.record.tasks[traced._tid].name = task.get_name()
        run.record.touch(traced._tid)
    elif run.finished_ns is None:
        run._tasks[traced._tid] = task


class TracingExecutor(concurrent.futures.ThreadPoolExecutor):
    """The loop's default executor, reporting the jobs a traced task submits to it.

    Installed once per loop and left there (asyncio only lets a ThreadPoolExecutor be the
    default); jobs submitted outside a run pass straight through.
    """

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[Any]:
        run = _CURRENT_RUN.get()
        if run is None or run.finished_ns is not None or threading.get_ident() != run._loop_thread:
            return super().submit(fn, *args, **kwargs)
        return super().submit(run.adopt_job(functools.partial(fn, *args, **kwargs) if args or kwargs else fn))


_HOOKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopHooks] = weakref.WeakKeyDictionary()


def _hooks_for(loop: asyncio.AbstractEventLoop) -> _LoopHooks:
    hooks = _HOOKS.get(loop)
    if hooks is None:
        hooks = _HOOKS[loop] = _LoopHooks(loop)
    return hooks


class StallWatch(threading.Thread):
    """Catches the line a long step is stuck on, by looking at the loop thread's frames.

    Step durations are measured exactly by the wrapper; only *where* a step that blocks
    the loop is stuck (say on ``time.sleep``) needs a look from outside, since the step's
    own frame moves on before anything inside the loop can record it. The step in
    progress is recognised from its wrapper's frame, so the hot path pays nothing.
    """

    INTERVAL_S = 0.01
    THRESHOLD_NS = 20_000_000
    _STEP_CODES = (TracedCoroutine.send.__code__, TracedCoroutine.throw.__code__)

    def __init__(self, run: Run) -> None:
        super().__init__(name="taskviz-stall-watch", daemon=True)
        self._run = run
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()

    def run(self) -> None:
        while not self._stopped.wait(self.INTERVAL_S):
            self.look()

    def look(self) -> None:
        """Note the step holding the loop now, if it has held it long: ``run.busy`` and a stall."""
        run = self._run
        run.busy = self._long_step(run)
        if run.busy is not None and run.busy[2]:
            run.record.stalls.setdefault(run.busy[1], run.busy[2])

    def _long_step(self, run: Run) -> tuple[int, int, str] | None:
        describer = run.describer
        frame = sys._current_frames().get(run._loop_thread)
        innermost_user: FrameType | None = None
        while frame is not None and frame.f_code not in self._STEP_CODES:
            if innermost_user is None and describer.is_user_code(frame.f_code):
                innermost_user = frame
            frame = frame.f_back
        if frame is None:
            return None
        local = frame.f_locals
        started = local.get("t0")
        wrapper = local.get("self")
        if started is None or getattr(wrapper, "_run", None) is not run or run.clock() - started < self.THRESHOLD_NS:
            return None
        line = ""
        if innermost_user is not None:
            line = f"{display_path(innermost_user.f_code.co_filename)}:{innermost_user.f_lineno}"
        return wrapper._tid, started, line
