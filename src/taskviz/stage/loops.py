"""Every event loop a program makes, traced: one run per loop, all into one record.

A program runs as ``python`` runs it, so taskviz does not make its loop: the program
does, through asyncio (``asyncio.run``, ``Runner``, ``new_event_loop``, a loop class
called directly). While a :class:`LoopWatch` is installed:

* the event loop policy's ``new_event_loop`` makes the loop the viewer needs (the stage's
  pausable one, a virtual-clock one, or asyncio's own), so ``asyncio.run`` runs on it;
* every loop gets a loop-wide run the moment it is built, before the program can create
  its first task on it (so ``asyncio.run``'s main task is traced, and is ``Task-1``);
* a loop's run ends when the loop closes, or when the program ends;
* two loops running at once in different threads would interleave rows of the one
  record, so the second is not shown, and a note says so;
* the first ctrl+c ends a program whose loop is stuck in a long step. ``asyncio.run``
  answers it by cancelling main, which a step that never yields cannot see, so under
  ``python`` it takes a second ctrl+c; a person watching expects one to do.

The patches are on asyncio's classes, for the length of the program, and cost one
Python call per loop built, run or closed: nothing per step.
"""

from __future__ import annotations

import asyncio
import asyncio.runners
import threading
from collections.abc import Callable
from typing import Any

from ..wire.record import EventRecord
from .run import Run

LoopFactory = Callable[[], asyncio.AbstractEventLoop]


class LoopWatch:
    """Traces each loop built while installed; :attr:`runs` in the order their loops were made."""

    def __init__(self, record: EventRecord, make_loop: LoopFactory | None = None,
                 on_run: Callable[[Run], None] | None = None) -> None:
        self.record = record
        self.runs: list[Run] = []
        self.notes: list[str] = []
        self._make_loop = make_loop
        self._on_run = on_run
        self._policy_before: asyncio.AbstractEventLoopPolicy | None = None
        self._originals: dict[tuple[type, str], Any] = {}
        self._building = False

    # -- install / uninstall -------------------------------------------------------------

    def install(self) -> None:
        watch = self
        base = asyncio.BaseEventLoop
        init, run_forever, close = base.__init__, base.run_forever, base.close

        def __init__(loop: asyncio.BaseEventLoop, *args: Any, **kwargs: Any) -> None:
            init(loop, *args, **kwargs)
            if not watch._building:
                watch._watch(loop)

        def run_forever_(loop: asyncio.BaseEventLoop) -> None:
            watch._starting(loop)
            return run_forever(loop)

        def close_(loop: asyncio.BaseEventLoop) -> None:
            watch._closing(loop)
            close(loop)

        self._patch(base, "__init__", __init__)
        self._patch(base, "run_forever", run_forever_)
        self._patch(base, "close", close_)
        on_sigint = getattr(asyncio.runners.Runner, "_on_sigint", None)
        if on_sigint is not None:
            def _on_sigint(runner: Any, signum: int, frame: Any, main_task: asyncio.Task[Any]) -> None:
                if watch._stuck(getattr(runner, "_loop", None)):
                    raise KeyboardInterrupt()
                on_sigint(runner, signum, frame, main_task)

            self._patch(asyncio.runners.Runner, "_on_sigint", _on_sigint)
        self._policy_before = asyncio.get_event_loop_policy()
        asyncio.set_event_loop_policy(_WatchingPolicy(self, self._policy_before))

    def uninstall(self) -> None:
        """Put asyncio back as it was, and end every run still open (its loop never closed)."""
        for (owner, name), original in self._originals.items():
            setattr(owner, name, original)
        self._originals.clear()
        if self._policy_before is not None and isinstance(asyncio.get_event_loop_policy(), _WatchingPolicy):
            asyncio.set_event_loop_policy(self._policy_before)
        for run in self.runs:
            run.close()
            run.describe_later()

    def extent(self) -> tuple[int, int, int]:
        """(first run's start, last main's end, last run's end) in clock ns; zeros before any run.

        What a program's runs span as one: its wall time is from the first loop's start to
        the end of the last loop's main task (or of the run, if it had none).
        """
        if not self.runs:
            return 0, 0, 0
        first, last = self.runs[0], self.runs[-1]
        finished = last.finished_ns if last.finished_ns is not None else last.clock()
        ended = last.root_done_ns if last.root_done_ns is not None else finished
        return first.started_ns, ended, finished

    def _patch(self, owner: type, name: str, value: Any) -> None:
        self._originals[(owner, name)] = owner.__dict__[name]
        setattr(owner, name, value)

    # -- the loops ------------------------------------------------------------------------

    def new_loop(self, fallback: LoopFactory) -> asyncio.AbstractEventLoop:
        """What the policy's ``new_event_loop`` gives: the viewer's kind of loop, traced."""
        make = self._make_loop or fallback
        self._building = True
        try:
            loop = make()
        finally:
            self._building = False
        self._watch(loop)
        return loop

    def _watch(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._run_of(loop) is not None:
            return
        run = Run.watch_loop(loop, self.record)
        self.runs.append(run)
        if self._on_run is not None:
            self._on_run(run)

    def _run_of(self, loop: Any) -> Run | None:
        for run in reversed(self.runs):
            if run.loop is loop:
                return run
        return None

    def _starting(self, loop: asyncio.AbstractEventLoop) -> None:
        """A loop starts running: on this thread, unless another traced loop runs elsewhere now."""
        run = self._run_of(loop)
        if run is None or run.finished_ns is not None:
            return
        here = threading.get_ident()
        run._loop_thread = here
        for other in self.runs:
            if other is not run and other.finished_ns is None and other.loop.is_running() and other._loop_thread != here:
                run.set_aside()
                self.notes.append("a second event loop ran in another thread at the same time; "
                                  "its tasks are not shown")
                return

    def _closing(self, loop: asyncio.AbstractEventLoop) -> None:
        """The loop closes, outside any step: its run ends, and what had to wait is described."""
        run = self._run_of(loop)
        if run is not None and not loop.is_running():
            run.close()
            run.describe_later()

    def _stuck(self, loop: Any) -> bool:
        run = self._run_of(loop)
        return run is not None and run.busy is not None


class _WatchingPolicy(asyncio.DefaultEventLoopPolicy):
    """asyncio's own policy, but the loops it makes (``asyncio.run``'s too) are the viewer's kind."""

    def __init__(self, watch: LoopWatch, before: asyncio.AbstractEventLoopPolicy) -> None:
        super().__init__()
        self._taskviz_watch = watch
        self._taskviz_before = before

    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        return self._taskviz_watch.new_loop(self._taskviz_before.new_event_loop)
