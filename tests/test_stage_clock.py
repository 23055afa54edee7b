"""The stage clock: slowed and paused loop time, scaled waits, and single task steps.

The stage loop runs in a thread of the test, as it runs beside the command handler in
the stage process; the test thread plays the viewer sending commands. Every bound on
real time has a wide margin, since these run on loaded machines too.
"""

from __future__ import annotations

import asyncio
import math
import selectors
import socket
import threading
import time
from collections.abc import Callable, Coroutine, Generator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from taskviz.stage.clock import ScaledSelector, StageClock, StageLoop, StepGate, TimeControl, new_stage_loop


@dataclass
class Stage:
    clock: StageClock
    loop: asyncio.AbstractEventLoop
    gate: StepGate
    control: TimeControl

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 10.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def spawn_gated(self, coros: list[Coroutine[Any, Any, Any]]) -> list[asyncio.Task[Any]]:
        """Start tasks whose steps pass the gate, as traced ones will; works while paused."""
        tasks: list[asyncio.Task[Any]] = []
        created = threading.Event()

        def create() -> None:
            tasks.extend(self.loop.create_task(Gated(coro, self.gate)) for coro in coros)
            created.set()

        self.loop.call_soon_threadsafe(create)
        assert created.wait(5)
        return tasks


class Gated(Coroutine[Any, Any, Any]):
    """What the tracer's wrapper does before each step, and nothing else."""

    def __init__(self, coro: Coroutine[Any, Any, Any], gate: StepGate) -> None:
        self._coro = coro
        self._gate = gate

    def send(self, value: Any) -> Any:
        if self._gate.armed:
            self._gate.enter()
        return self._coro.send(value)

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        if self._gate.armed:
            self._gate.enter()
        if val is None and tb is None:
            return self._coro.throw(typ)
        return self._coro.throw(typ, val, tb)

    def close(self) -> None:
        self._coro.close()

    def __await__(self) -> Generator[Any, None, Any]:
        return self._coro.__await__()


@pytest.fixture
def stage() -> Iterator[Stage]:
    clock = StageClock()
    loop = new_stage_loop(clock)
    gate = StepGate(clock, loop)
    thread = threading.Thread(target=loop.run_forever, name="stage-loop", daemon=True)
    thread.start()
    yield Stage(clock, loop, gate, TimeControl(clock, gate))
    gate.open()
    clock.resume()
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    assert not thread.is_alive()
    left = asyncio.all_tasks(loop)
    for task in left:
        task.cancel()
    if left:
        loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
    loop.close()
    assert clock.on_change == []


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.002)


# -- the clock alone --------------------------------------------------------------------


def test_a_fresh_clock_is_monotonic_itself_until_paused() -> None:
    clock = StageClock()
    assert clock.fast and not clock.paused and clock.speed == 1.0
    assert abs(clock.time() - time.monotonic()) < 0.05
    assert clock.real_timeout(0.3) == 0.3
    clock.set_speed(1)
    clock.resume()
    assert clock.fast

    clock.pause()
    assert clock.paused and not clock.fast
    frozen = clock.now_ns()
    time.sleep(0.05)
    assert clock.now_ns() == frozen
    assert clock.real_timeout(0.3) is None and clock.real_timeout(0) == 0

    r0 = time.monotonic_ns()
    clock.resume()
    after = clock.now_ns()
    r1 = time.monotonic_ns()
    assert 0 <= after - frozen <= r1 - r0  # continues from where it was frozen

    def offset() -> tuple[int, int]:
        """Bounds on clock minus monotonic, from one read between two of monotonic."""
        before = time.monotonic_ns()
        now = clock.now_ns()
        return now - time.monotonic_ns(), now - before

    low1, high1 = offset()
    time.sleep(0.05)
    low2, high2 = offset()
    assert low1 <= high2 and low2 <= high1  # at speed 1 it runs as fast as real time...
    assert high1 < 0  # ...behind it by the pause
    assert not clock.fast  # for good: it cannot rejoin monotonic
    assert abs(clock.time() - clock.now_ns() / 1e9) < 0.01


@pytest.mark.parametrize("speed", [0, -1, 4.01, math.nan, math.inf])
def test_speed_out_of_range_is_refused(speed: float) -> None:
    clock = StageClock()
    with pytest.raises(ValueError):
        clock.set_speed(speed)
    assert clock.fast


def test_the_clock_never_jumps_nor_goes_back_across_changes() -> None:
    clock = StageClock()
    changes: list[None] = []
    clock.on_change.append(lambda: changes.append(None))
    samples: list[int] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append(clock.now_ns())

    sampler = threading.Thread(target=sample)
    sampler.start()
    ops: list[Callable[[], object]] = [
        lambda: clock.set_speed(0.5), clock.pause, lambda: clock.set_speed(0.1), clock.resume,
        lambda: clock.set_speed(4), clock.pause, clock.resume, lambda: clock.set_speed(1), clock.pause,
        clock.pause, lambda: clock.jump_to(clock.time() - 5), clock.resume,
    ]
    try:
        for op in ops:
            time.sleep(0.02)
            r0 = time.monotonic_ns()
            a = clock.now_ns()
            op()
            b = clock.now_ns()
            r1 = time.monotonic_ns()
            assert 0 <= b - a <= (r1 - r0) * 4
    finally:
        stop.set()
        sampler.join()
    assert len(changes) == len(ops) - 2  # the second pause and the backward jump change nothing
    assert len(samples) > 100
    assert all(x <= y for x, y in zip(samples, samples[1:]))


def test_jump_moves_only_a_paused_clock_and_only_forward() -> None:
    clock = StageClock()
    target = clock.time() + 5
    assert not clock.jump_to(target)
    clock.pause()
    assert clock.jump_to(target)
    assert clock.time() >= target and clock.time() - target < 1e-6
    assert not clock.jump_to(target - 1)
    assert clock.time() >= target


# -- the selector -------------------------------------------------------------------------


def test_the_selector_delegates_and_scales_its_waits() -> None:
    clock = StageClock()
    selector = ScaledSelector(clock)
    reader, writer = socket.socketpair()
    try:
        key = selector.register(reader, selectors.EVENT_READ, "data")
        assert selector.get_key(reader) is key and reader.fileno() in selector.get_map()
        selector.modify(reader, selectors.EVENT_READ, "other")
        assert selector.get_key(reader).data == "other"

        clock.set_speed(0.5)
        r0 = time.monotonic()
        assert selector.select(0.1) == []
        assert time.monotonic() - r0 >= 0.18  # 0.1 s of loop time at half speed

        clock.pause()  # a wait with an end now lasts until something happens
        threading.Timer(0.2, writer.send, [b"x"]).start()
        r0 = time.monotonic()
        events = selector.select(0.01)
        assert time.monotonic() - r0 >= 0.15
        assert [k.data for k, _ in events] == ["other"]
        selector.unregister(reader)
        assert not selector.get_map()
    finally:
        selector.close()
        reader.close()
        writer.close()


# -- the loop -----------------------------------------------------------------------------


def test_the_loop_keeps_the_clock_time(stage: Stage) -> None:
    assert isinstance(stage.loop, StageLoop)
    stage.clock.pause()
    assert stage.loop.time() == stage.clock.time()


def test_a_sleep_at_quarter_speed_takes_four_times_as_long(stage: Stage) -> None:
    loop = stage.loop
    stage.control.set_speed(0.25)
    assert stage.control.speed == 0.25

    async def nap() -> tuple[float, float]:
        t0, r0 = loop.time(), time.monotonic()
        await asyncio.sleep(0.2)
        return loop.time() - t0, time.monotonic() - r0

    loop_s, real_s = stage.run(nap())
    assert real_s >= 0.7
    assert 0.2 - 1e-6 <= loop_s <= 0.25


def test_a_pause_during_a_sleep_stops_loop_time(stage: Stage) -> None:
    loop = stage.loop
    control = stage.control

    async def nap() -> tuple[float, float]:
        t0, r0 = loop.time(), time.monotonic()
        loop.call_later(0.1, control.pause)  # halfway through, on the loop's own time
        await asyncio.sleep(0.2)
        return loop.time() - t0, time.monotonic() - r0

    result = asyncio.run_coroutine_threadsafe(nap(), loop)
    wait_until(lambda: control.paused)
    time.sleep(0.3)
    control.resume()
    loop_s, real_s = result.result(5)
    assert real_s >= 0.45
    assert 0.2 - 1e-6 <= loop_s < 0.35


# -- the gate -----------------------------------------------------------------------------


def test_each_step_lets_exactly_one_task_step_through(stage: Stage) -> None:
    log: list[tuple[str, object]] = []

    async def work(name: str) -> None:
        for i in range(3):
            log.append((name, i))  # one entry in every step, the last one included
            await asyncio.sleep(0)
        log.append((name, "done"))

    stage.control.pause()
    tasks = stage.spawn_gated([work(name) for name in "abc"])
    wait_until(lambda: stage.gate.waiting == 1)
    assert log == []
    for n in range(1, 6):
        assert stage.control.step()
        wait_until(lambda: stage.gate.waiting == 1)  # the next step is held
        assert len(log) == n
    time.sleep(0.05)
    assert len(log) == 5
    stage.control.resume()
    wait_until(lambda: all(task.done() for task in tasks))
    expected = [(name, i) for i in (0, 1, 2, "done") for name in "abc"]
    assert log == expected
    assert stage.gate.stepped_total == 5
    assert stage.gate.steps_let_through == 6  # five steps, then the one held when it opened


def test_a_step_while_every_task_sleeps_jumps_to_the_next_timer(stage: Stage) -> None:
    loop = stage.loop
    log: list[tuple[str, int, float]] = []

    async def sleeper(k: int) -> None:
        log.append(("start", k, loop.time()))
        await asyncio.sleep(10 + k)
        log.append(("woke", k, loop.time()))

    tasks = stage.spawn_gated([sleeper(k) for k in range(3)])
    wait_until(lambda: len(log) == 3)
    stage.control.pause()
    for k in range(3):
        r0 = time.monotonic()
        assert stage.control.step()
        assert time.monotonic() - r0 < 1.0
        wait_until(lambda: tasks[k].done())
        time.sleep(0.1)
        assert len(log) == 4 + k  # exactly one wake-up, and nothing after it
        kind, woken, at = log[-1]
        assert (kind, woken) == ("woke", k)
        assert 10 + k <= at - log[k][2] < 10 + k + 0.5
    r0 = time.monotonic()
    assert not stage.control.step()  # nothing left to step
    assert 0.5 < time.monotonic() - r0 < 2.5


def test_step_while_running_pauses_first(stage: Stage) -> None:
    log: list[int] = []

    async def ticker() -> None:
        for i in range(1000):
            log.append(i)
            await asyncio.sleep(0.01)

    stage.spawn_gated([ticker()])
    wait_until(lambda: len(log) >= 2)
    assert stage.control.step()
    assert stage.control.paused
    time.sleep(0.1)
    seen = len(log)
    time.sleep(0.1)
    assert len(log) == seen  # asleep on a timer that the frozen clock never reaches
