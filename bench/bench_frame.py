"""What one timeline frame costs with 10,000 tasks and 1,000,000 events, and with a server's
100,000 requests through a queue and a lock.

    .venv/bin/python bench/bench_frame.py [tasks|server]

Case "tasks": a real program is traced (10,000 tasks, each awaiting 37 short sleeps or
bare yields), then the timeline widget draws it at 200x50 and 80x24: every frame the view
moves (so nothing is cached), and the widget's whole frame is timed (tick + every line).

Case "server": a steady server (bench/programs/steady_server.py's requests, made faster on
a virtual clock) has served 100,000 requests, each through a lock and a queue; the widget
draws it at the zoom that fits the whole run, with its queue's and lock's rows, as a live
run's frame would (a "now" cursor at the end); then the findings pass (``FoundWatch``) is
timed, and what it costs a frame while live, throttled as the app throttles it.
Target: <= 10 ms a frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import random
import statistics
import sys
import time

from collections.abc import Awaitable, Callable

from taskviz.app import found as found_module
from taskviz.app.found import FoundWatch
from taskviz.app.screens.main import FPS
from taskviz.model.findings import Finding, findings
from taskviz.app.widgets import TimelineView
from taskviz.runner import run_main
from taskviz.model.timeline import TimelineModel
from textual.app import App, ComposeResult
from textual.geometry import Region

TASKS, SLEEPS = 10_000, 37
REQUESTS, BURST = 100_000, 10  # the server case: BURST requests every 10 ms of virtual time


async def program() -> None:
    rng = random.Random(7)

    async def worker(delays: list[float]) -> None:
        for delay in delays:
            await asyncio.sleep(delay)

    await asyncio.gather(*(worker([rng.choice((0, 0.001, 0.002)) for _ in range(SLEEPS)]) for _ in range(TASKS)))


async def server() -> None:
    """bench/programs/steady_server.py's requests, the lock held across a yield so requests queue on it."""

    async def handle(n: int, queue: asyncio.Queue[int], lock: asyncio.Lock) -> None:
        await asyncio.sleep(0.002)
        async with lock:
            await asyncio.sleep(0)
            await queue.put(n)
        await asyncio.sleep(0)

    async def drain(queue: asyncio.Queue[int]) -> None:
        while True:
            await queue.get()

    queue: asyncio.Queue[int] = asyncio.Queue(maxsize=100)
    lock = asyncio.Lock()
    consumer = asyncio.create_task(drain(queue))
    pending: set[asyncio.Task[None]] = set()
    for burst in range(REQUESTS // BURST):
        for i in range(BURST):
            task = asyncio.create_task(handle(burst * BURST + i, queue, lock))
            pending.add(task)
            task.add_done_callback(pending.discard)
        await asyncio.sleep(0.01)
    await asyncio.gather(*pending)
    consumer.cancel()


class Host(App[None]):
    def __init__(self, model: TimelineModel) -> None:
        super().__init__()
        self.model = model

    def compose(self) -> ComposeResult:
        yield TimelineView()


async def frames(model: TimelineModel, size: tuple[int, int], count: int = 40, live: bool = False) -> dict[str, list[float]]:
    """Each frame's ms: all of it, and the part spent on its pinned rows (axis, loop lane, objects' rows)."""
    app = Host(model)
    async with app.run_test(size=size) as pilot:
        view = app.query_one(TimelineView)
        view.show(model, (lambda: model.end_ns) if live else None)
        await pilot.pause()
        view.action_fit()
        spent: dict[str, list[float]] = {"frame": [], "pinned rows": []}
        for i in range(count):
            view.view_start_ns = (i % 7) * view.ns_per_cell  # a new window each frame: no caches
            if not live:  # a live run's view stays at its first rows, the server's consumer among them
                view.scroll_to(y=(i * 37) % 9000, animate=False, immediate=True)
            started = time.perf_counter()
            view.tick()
            view.render_lines(Region(0, 0, view.size.width, view.size.height))  # one repaint, as the app paints
            spent["frame"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            view.render_lines(Region(0, 0, view.size.width, view.pinned))  # again, the pinned rows alone
            spent["pinned rows"].append((time.perf_counter() - started) * 1000)
        return spent


def findings_cost(model: TimelineModel) -> None:
    """One findings pass over the whole run, and what passes cost a frame while live (throttled
    as the app throttles them), on a fake clock on which each pass takes what the real one took."""
    started = time.perf_counter()
    found = list(findings(model))
    spent = time.perf_counter() - started
    clock, passes, frames_run = [0.0], [0], 300 * FPS  # 5 minutes of frames

    def timed_pass(_: TimelineModel) -> list[Finding]:
        clock[0] += spent
        passes[0] += 1
        return found

    real_clock, real_findings = found_module.time.perf_counter, found_module.findings
    found_module.time.perf_counter, found_module.findings = (lambda: clock[0]), timed_pass  # type: ignore[attr-defined]
    consumed = model.consumed
    try:
        watch = FoundWatch(model)
        for _ in range(frames_run):
            model.consumed += 1  # the model grew, as it does every frame of a live run
            watch.update(live=True)
            clock[0] += 1 / FPS
    finally:
        found_module.time.perf_counter, found_module.findings = real_clock, real_findings  # type: ignore[attr-defined]
        model.consumed = consumed
    print(f"findings: one pass {spent * 1000:.1f} ms; live, {passes[0]} passes in {frames_run} frames "
          f"({frames_run / FPS:.0f} s): {passes[0] * spent * 1000 / frames_run:.2f} ms a frame on average")


def main() -> None:
    cases = sys.argv[1:] or ["tasks", "server"]
    if "tasks" in cases:
        case(program, ((200, 50), (80, 24)), live=False)
    if "server" in cases:
        model = case(server, ((200, 50),), live=True)
        findings_cost(model)


def case(program: Callable[[], Awaitable[None]], sizes: tuple[tuple[int, int], ...], live: bool) -> TimelineModel:
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        finished = run_main(program, virtual_time=live)
    traced = time.perf_counter() - started
    record = finished.record
    events = record.event_count()
    started = time.perf_counter()
    model = TimelineModel(record, finished.run.started_ns)
    model.update()
    built = time.perf_counter() - started
    print(f"record: {len(model.tracks):,} tasks, {events:,} events in {len(record):,} rows "
          f"({record.bytes_per_event():.1f} bytes/event); traced in {traced:.1f} s, model built in {built * 1000:.0f} ms")
    for size in sizes:
        spent = asyncio.run(frames(model, size, live=live))
        for part, ms in spent.items():
            print(f"{part} at {size[0]}x{size[1]}: median {statistics.median(ms):.2f} ms, worst {max(ms):.2f} ms "
                  f"(first {ms[0]:.2f}) over {len(ms)} frames" + ("   (target <= 10 ms)" if part == "frame" else ""))
    return model


if __name__ == "__main__":
    main()
