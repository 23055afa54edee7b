"""The hooks on a loop that let a run see every task made on it and every executor job.

``loop.create_task`` is answered on the loop instance (see :class:`_LoopHooks` for why not
a task factory), ``asyncio.Task`` called directly is seen through ``task_class``, and the
loop's default executor reports the jobs traced tasks send to threads. A task belongs to
a run when the run's context variable is set where it is created: asyncio copies it into
every task created under the run's root, so exactly the program's tasks are traced.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import functools
import threading
import types
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import alerts, levels, locks
from .task_class import install as install_task_class, real_task_class
from .wakeups import watching_call_soon
from .wrapper import TracedCoroutine

if TYPE_CHECKING:
    from .run import Run

CURRENT_RUN: contextvars.ContextVar[Run | None] = contextvars.ContextVar("taskviz_run", default=None)


class _LoopHooks:
    """The hooks on one loop, shared by the runs on it: ``create_task``, ``call_soon`` and the executor.

    They go on the loop instance with setattr, once for the whole run, never through
    ``vars(loop)``: materialising its ``__dict__`` slows every attribute lookup asyncio
    makes on the loop (2x on 3.11). ``call_soon`` is where a traced task's wake-up is
    seen (``wakeups``), ``call_exception_handler`` where asyncio says a task's exception
    was never retrieved (``alerts``). Lock owners and shown warnings are seen through
    hooks of the whole process, counted per run (``locks``, ``levels``, ``alerts``).

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
        self.loop_run: Run | None = None  # traces every task made on the loop, whatever its context
        self._factory_before: Any = None
        self._create_task = functools.partial(type(loop).create_task, loop)
        self._prior_call_soon: Any = None  # a call_soon the program set on the instance itself

    def attach(self, run: Run) -> None:
        if not self.runs:
            self._factory_before = self.loop.get_task_factory()
            self.loop.create_task = self._traced_create_task  # type: ignore[method-assign]
            current = self.loop.call_soon
            own = getattr(type(self.loop), "call_soon", None)
            self._prior_call_soon = None if getattr(current, "__func__", None) is own else current
            self.loop.call_soon = watching_call_soon(self.loop, self._prior_call_soon)  # type: ignore[method-assign]
            if not isinstance(getattr(self.loop, "_default_executor", None), TracingExecutor):
                self.loop.set_default_executor(TracingExecutor(thread_name_prefix="asyncio"))
            self.loop.call_exception_handler = alerts.exception_handler_hook(self.loop, lambda: self.runs)  # type: ignore[method-assign]
        self.runs.append(run)
        locks.install()
        levels.install()
        alerts.install_warnings()

    def detach(self, run: Run) -> None:
        if run in self.runs:
            self.runs.remove(run)
            locks.uninstall(run)
            levels.uninstall(run)
            alerts.uninstall_warnings()
        if self.loop_run is run:
            self.loop_run = None
        if self.runs:
            return
        for name in ("create_task", "call_exception_handler"):
            try:
                delattr(self.loop, name)
            except AttributeError:
                pass
        if self._prior_call_soon is not None:
            self.loop.call_soon = self._prior_call_soon  # type: ignore[method-assign]
        else:
            try:
                del self.loop.call_soon
            except AttributeError:
                pass
        _HOOKS.pop(self.loop, None)

    def _traced_create_task(self, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        run = CURRENT_RUN.get() or self.loop_run
        if run is None or not _traceable(run, coro):
            return self._create_task(coro, **kwargs)
        traced = run.adopt(coro, depth=2)
        factory = self._factory_before
        if factory is not None and factory is self.loop.get_task_factory():
            task = real_task_class()(traced, loop=self.loop, **kwargs)
        else:
            task = self._create_task(traced, **kwargs)
        _task_built(traced, task)
        return task


def run_for(loop: Any) -> Run | None:
    """The run a task made now on ``loop`` (None: the running one) belongs to, if any.

    Under a run's root task its context variable says; else a loop-wide run of the loop.
    """
    run = CURRENT_RUN.get()
    if run is not None:
        return run
    if loop is None:
        loop = asyncio.events._get_running_loop()
    hooks = _HOOKS.get(loop) if loop is not None else None
    return hooks.loop_run if hooks is not None else None


# asyncio.run's own housekeeping after main has returned: not the program's tasks. By id:
# hashing a code object costs ~0.7 µs, on every task made.
_HOUSEKEEPING = frozenset(
    id(method.__code__) for method in (asyncio.BaseEventLoop.shutdown_asyncgens, asyncio.BaseEventLoop.shutdown_default_executor)
)
_COROUTINE = types.CoroutineType


def _traceable(run: Run, coro: Any) -> bool:
    if run.finished_ns is not None:
        return False
    if type(coro) is _COROUTINE:
        return id(coro.cr_code) not in _HOUSEKEEPING
    return type(coro) is not TracedCoroutine and asyncio.iscoroutine(coro)


def _wrap_for_run(coro: Any, loop: Any = None) -> Any:
    """The wrapper to run in a new task's place, when the task belongs to a run; else ``coro``."""
    run = run_for(loop)
    if run is None or not _traceable(run, coro):
        return coro
    return run.adopt(coro)


def _task_built(traced: TracedCoroutine, task: asyncio.Future[Any]) -> None:
    """The task exists: keep it while it runs. An eager one may already have finished."""
    run = traced._run
    if run.root is None and run.loop_wide:
        run.root, run.root_tid = task, traced._tid
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
        run = run_for(None)
        if run is None or run.finished_ns is not None or threading.get_ident() != run._loop_thread:
            return super().submit(fn, *args, **kwargs)
        return super().submit(run.adopt_job(functools.partial(fn, *args, **kwargs) if args or kwargs else fn))


_HOOKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopHooks] = weakref.WeakKeyDictionary()


def hooks_for(loop: asyncio.AbstractEventLoop) -> _LoopHooks:
    hooks = _HOOKS.get(loop)
    if hooks is None:
        hooks = _HOOKS[loop] = _LoopHooks(loop)
    return hooks


def current_traced_task(run: Run) -> int | None:
    """The id of the traced task running now on ``run``'s loop, if any."""
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


# At import, before any program is loaded: a class a program derives from ``asyncio.Task``
# at its own import time then derives from the traced stand-in too.
install_task_class(_wrap_for_run, _task_built)
