"""Running a scenario headless: a fresh loop, the tracer on it, and the record it leaves."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import looptime

from .catalog import Scenario, ScenarioError, load_main
from .wire.record import EventRecord, Outcome
from .model.summary import Gain, gain
from .model.timeline import TimelineModel
from .stage.tracing import Run


@dataclass
class Finished:
    """A completed run, with the model built from its record."""

    scenario: Scenario | None
    run: Run
    model: TimelineModel
    interrupted: bool = False

    @property
    def record(self) -> EventRecord:
        return self.run.record

    @property
    def failed(self) -> bool:
        root = self.record.tasks[0] if self.record.tasks else None
        return self.interrupted or root is None or root.outcome is not Outcome.OK

    @property
    def gain(self) -> Gain:
        return gain(self.model, self.run.wall_ns)


def main_coroutine(main: Callable[[], Any]) -> Coroutine[Any, Any, Any]:
    """Call the scenario's ``main``; it must give a coroutine."""
    coro = main()
    if not asyncio.iscoroutine(coro):
        raise ScenarioError(f"main() returned {type(coro).__name__}, not a coroutine: define it with 'async def'")
    return coro


def run_headless(scenario: Scenario, *, virtual_time: bool = False) -> Finished:
    """Run ``scenario`` to the end on its own loop, as ``asyncio.run`` would."""
    return run_main(load_main(scenario), virtual_time=virtual_time, scenario=scenario)


def run_main(main: Callable[[], Any], *, virtual_time: bool = False, scenario: Scenario | None = None) -> Finished:
    """Trace ``main()`` to the end on a fresh loop, then build its timeline.

    With ``virtual_time`` the loop's clock jumps over idle waits (looptime): sleeps take
    no real time, yet every timestamp reads as if they had, identically on every run.
    Called from inside a running loop (a test, the app), it runs on a thread of its own.
    """
    try:
        loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is None:  # run outside the handler, or the scenario's errors would chain onto it
        return _run_main(main, virtual_time, scenario)
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="taskviz-run") as pool:
        return pool.submit(_run_main, main, virtual_time, scenario).result()


def _run_main(main: Callable[[], Any], virtual_time: bool, scenario: Scenario | None) -> Finished:
    holder: list[Run] = []

    async def drive() -> None:
        run = Run.start(main_coroutine(main))
        holder.append(run)
        await run.wait()

    # Always a factory: then the Runner leaves the thread's current event loop alone.
    factory = (lambda: looptime.new_event_loop(start=0)) if virtual_time else asyncio.new_event_loop
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
    model = TimelineModel(run.record, run.started_ns)
    model.update()
    return Finished(scenario, run, model, interrupted)
