"""Running a program headless, in this process: traced as it runs, and the record it leaves.

:func:`run_program` runs a file (or module) as ``python`` would, every loop it makes
traced; :func:`run_main` traces one ``main()`` coroutine function on a fresh loop (the
tests' and benches' way in: no file needed).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from .catalog import Scenario, ScenarioError
from .finished import Finished, Span, model_of
from .recording.saver import RunSaver, run_end, run_meta
from .wire.record import EventRecord
from .stage.loops import LoopWatch
from .stage.program import INTERRUPTED, Program, run_as_main
from .stage.tracing import Run


def run_program(program: Program, *, scenario: Scenario | None = None, virtual_time: bool = False,
                until_s: float | None = None, save: str | None = None, keep_rows: bool = True) -> Finished:
    """Run ``program`` as ``python`` would, here, and build the timeline of every loop it made.

    With ``virtual_time`` its loops jump over idle waits (looptime); ``until_s`` then
    stops a program that would never end: at that loop time its tasks are cancelled.
    Whatever the program printed went where it would have; ctrl+c ends it as under
    ``python`` and the run up to there is kept. ``save``: a file the run is recorded to
    as it happens (see ``recording.saver``); an OSError opening it is raised before the
    program starts. Without ``keep_rows`` the record lets go of its rows once the model and
    the wait-for graph have taken them in (``model_of``): for a run that is only reported.
    """
    record = EventRecord()
    stopped: list[Run] = []

    def virtual_loop() -> asyncio.AbstractEventLoop:
        # each loop's virtual clock goes on from where the last one's stopped: runs follow each other
        start = max(((r.finished_ns if r.finished_ns is not None else r.clock()) for r in watch.runs), default=0)
        return new_virtual_loop(start / 1e9)

    def on_run(run: Run) -> None:
        if until_s is not None:
            run.loop.call_at(until_s, _stop_at_limit, run, stopped)

    watch = LoopWatch(record, make_loop=virtual_loop if virtual_time else None, on_run=on_run)
    saver = None if save is None else saver_for(save, watch, scenario, virtual_time)
    notes: list[str] = []
    end: dict[str, Any] | None = None
    try:
        if saver is not None:
            saver.start()
        ending = run_as_main(program, watch, quiet=lambda: bool(stopped))
        code = ending.code
        notes = list(watch.notes)
        if stopped:
            notes.append(f"stopped at {until_s:g} s of virtual time (--until): the program was still running")
            code = UNTIL_EXIT
        if not watch.runs:
            notes.append("the program made no event loop: there are no tasks to show")
        end = run_end(watch, code, ending.raised)
    finally:
        if saver is not None:
            saver.finish(notes, end)
    started, ended, _ = watch.extent()
    span = Span(record, started, ended - started)
    model = model_of(record, span.started_ns, keep_rows)
    return Finished(scenario, span, model, interrupted=code == INTERRUPTED, exit_code=code, notes=tuple(notes),
                    save_error=saver.error if saver is not None else None)


def saver_for(path: str, watch: LoopWatch, scenario: Scenario | None, virtual_time: bool) -> RunSaver:
    """A saver whose status is the watched runs' clock, as the stage's is."""

    def clock() -> int:
        return watch.runs[-1].clock() if watch.runs else time.monotonic_ns()

    def status() -> dict[str, Any]:
        return {"now_ns": clock(), "origin_ns": watch.runs[0].started_ns if watch.runs else None,
                "paused": False, "speed": 1.0}

    return RunSaver(path, watch.record, run_meta(scenario, virtual_time), status, clock)


UNTIL_EXIT = 124  # as ``timeout(1)``: stopped because time ran out


def _stop_at_limit(run: Run, stopped: list[Run]) -> None:
    """The virtual-time limit: cancel what the program still runs, as ctrl+c would cancel main.

    Only while its main runs: what comes after (``asyncio.run`` closing down) is not the program's.
    """
    if run.root_done_ns is not None or run.finished_ns is not None:
        return
    stopped.append(run)
    run.cancel()


def new_virtual_loop(start_s: float = 0.0) -> asyncio.AbstractEventLoop:
    """A loop on a virtual clock (looptime) starting at ``start_s``: idle waits take no real time."""
    import looptime  # only for virtual time: it brings pytest with it (0.2 s of imports)

    loop = looptime.patch_event_loop(asyncio.DefaultEventLoopPolicy().new_event_loop(), start=start_s)
    loop.shutdown_default_executor = _joins_without_timer(loop.shutdown_default_executor)  # type: ignore[method-assign]
    return loop


def _joins_without_timer(shutdown: Callable[..., Any]) -> Callable[..., Any]:
    """``asyncio.run`` waits for executor threads with a 300 s timeout. A thread works in real
    time, which a virtual clock cannot see: idle, it would jump the 300 s at once and warn that
    the threads did not finish. On a virtual clock the wait has no timer."""

    def without_timer(timeout: float | None = None) -> Any:
        return shutdown()  # no timeout: 3.12+ default, and 3.11 has none

    return without_timer


def main_coroutine(main: Callable[[], Any]) -> Coroutine[Any, Any, Any]:
    """Call the scenario's ``main``; it must give a coroutine."""
    coro = main()
    if not asyncio.iscoroutine(coro):
        raise ScenarioError(f"main() returned {type(coro).__name__}, not a coroutine: define it with 'async def'")
    return coro


def run_headless(scenario: Scenario, *, virtual_time: bool = False, until_s: float | None = None,
                 save: str | None = None, keep_rows: bool = True) -> Finished:
    """Run ``scenario``'s file as ``python`` would, to the end; from inside a running loop, on a thread.
    ``keep_rows``: see ``run_program``."""
    program = Program(path=Path(scenario.argv0) if scenario.module is None else None, module=scenario.module, args=scenario.args)
    return _off_any_loop(run_program, program, scenario=scenario, virtual_time=virtual_time, until_s=until_s, save=save,
                         keep_rows=keep_rows)


def _off_any_loop(fn: Callable[..., Finished], /, *args: Any, **kwargs: Any) -> Finished:
    """``fn(...)`` here, or on a thread of its own when called from inside a running loop (a test,
    the app), since a loop cannot run inside another. Never from inside an ``except`` block:
    the program's own errors would chain onto that exception."""
    if asyncio.events._get_running_loop() is None:
        return fn(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="taskviz-run") as pool:
        return pool.submit(fn, *args, **kwargs).result()


def run_main(main: Callable[[], Any], *, virtual_time: bool = False, scenario: Scenario | None = None) -> Finished:
    """Trace ``main()`` to the end on a fresh loop, then build its timeline.

    With ``virtual_time`` the loop's clock jumps over idle waits (looptime): sleeps take
    no real time, yet every timestamp reads as if they had, identically on every run.
    Called from inside a running loop (a test, the app), it runs on a thread of its own.
    """
    return _off_any_loop(_run_main, main, virtual_time, scenario)


def _run_main(main: Callable[[], Any], virtual_time: bool, scenario: Scenario | None) -> Finished:
    holder: list[Run] = []

    async def drive() -> None:
        run = Run.start(main_coroutine(main))
        holder.append(run)
        await run.wait()

    # Always a factory: then the Runner leaves the thread's current event loop alone.
    factory = new_virtual_loop if virtual_time else asyncio.new_event_loop
    interrupted = False
    try:
        with asyncio.Runner(loop_factory=factory) as runner:
            runner.run(drive())
    except KeyboardInterrupt:
        interrupted = True
    if not holder:
        raise ScenarioError("the scenario did not start")
    run = holder[0]
    run.close()
    run.describe_later()
    model = model_of(run.record, run.started_ns)
    return Finished(scenario, run, model, interrupted)
