"""Executor jobs as rows of their own: queued, running on a worker thread, done.

A mixin of :class:`~taskviz.stage.run.Run`, its state on the run. Jobs run on worker
threads, which must not append to the record (only the loop's thread does): they report
to an inbox that the loop's thread moves into the record (:meth:`ThreadJobs.sync`) as soon
as it can (asked by ``call_soon_threadsafe``), before the next traced step at the latest.
"""

from __future__ import annotations

import contextvars
import functools
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..wire.record import KIND_BITS, KIND_MASK, Kind, Outcome, TaskInfo
from .hooks import current_traced_task
from .owners import code_of

if TYPE_CHECKING:
    from .run import Run

ARGS_FOR_FIRST = 500  # arguments are recorded for a run's first tasks and jobs: the rows people read
_CREATED, _STARTED, _DONE, _WOKEN = Kind.CREATED, Kind.STARTED, Kind.DONE, Kind.WOKEN


class ThreadJobs:
    """The executor-job half of a run."""

    def adopt_job(self: Run, fn: Callable[..., Any]) -> Callable[[], Any]:
        """Wrap an executor job so it shows as a row of its own: queued, running, done."""
        record = self.record
        tid = len(record.tasks)
        parent = current_traced_task(self)
        creator = sys._getframe(1)
        record.tasks.append(
            TaskInfo(tid, parent, _job_name(fn), self._creation_site(fn, creator), name="thread", kind="thread",
                     library=self.owners.owner(tid, code_of(unwrap_job(fn)), creator))
        )
        if tid < ARGS_FOR_FIRST:
            self._describe_args(record.tasks[tid], _job_args(fn))
        self._instant(self.clock(), tid, _CREATED, 0 if parent is None else parent + 1)
        inbox = self._from_threads
        clock = self.clock
        code = tid << KIND_BITS
        loop, sync = self.loop, self.sync

        def report(row: tuple[int, int, int, Any]) -> None:
            """Into the inbox, and the loop's thread asked to move it in now: a live viewer sees the job start."""
            inbox.append(row)
            try:
                loop.call_soon_threadsafe(sync)
            except RuntimeError:
                pass  # the loop is closed: the run's close moved the inbox in already

        def job() -> Any:
            report((clock(), code | _STARTED, 0, threading.current_thread().name))
            try:
                result = fn()
            except BaseException as exc:
                report((clock(), code | _DONE, int(Outcome.FAILED), exc))
                raise
            report((clock(), code | _DONE, int(Outcome.OK), result))
            return result

        return job

    def sync(self: Run) -> None:
        """Move what worker threads reported into the record; only the loop thread appends.

        Once the run is over (``close`` moved the last of it in), a job still running on
        its thread reports to nobody: the record ends where the run did.
        """
        inbox = self._from_threads
        if self.finished_ns is not None:
            inbox.clear()
            return
        tasks = self.record.tasks
        while inbox:
            t, code, arg, detail = inbox.popleft()
            self._instant(t, code >> KIND_BITS, Kind(code & KIND_MASK), arg)
            if code & KIND_MASK == _WOKEN:
                continue  # a task's wake-up scheduled from another thread (see wakeups)
            info = tasks[code >> KIND_BITS]
            if code & KIND_MASK == _STARTED:
                info.name = detail
            else:
                info.outcome = Outcome(arg)
                self._describe_outcome(info, detail, failed=arg != Outcome.OK)
            self.record.touch(info.id)


def unwrap_job(fn: Any) -> Any:
    """``to_thread`` hands the executor ``partial(context.run, func, ...)``: find ``func``."""
    while isinstance(fn, functools.partial):
        inner = fn.func
        if getattr(inner, "__name__", "") == "run" and isinstance(getattr(inner, "__self__", None), contextvars.Context):
            fn = fn.args[0] if fn.args else inner
        else:
            fn = inner
    return fn


def _job_args(fn: Any) -> list[Any]:
    args: list[Any] = []
    while isinstance(fn, functools.partial):
        args = [*fn.args, *fn.keywords.values(), *args]
        fn = fn.func
    if args and isinstance(getattr(fn, "__self__", None), contextvars.Context):
        args = args[1:]  # to_thread's partial(context.run, func, ...): skip func itself
    return args


def _job_name(fn: Any) -> str:
    fn = unwrap_job(fn)
    return getattr(fn, "__qualname__", None) or type(fn).__name__
