"""What one timeline frame costs with 10,000 tasks and 1,000,000 events.

    .venv/bin/python bench/bench_frame.py

A real program is traced (10,000 tasks, each awaiting 37 short sleeps or bare yields),
then the timeline widget draws it at 200x50 and 80x24: every frame the view moves
(so nothing is cached), and the widget's whole frame is timed (tick + every line).
Target: <= 10 ms a frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import random
import statistics
import time

from taskviz.app.widgets import TimelineView
from taskviz.runner import run_main
from taskviz.model.timeline import TimelineModel
from textual.app import App, ComposeResult

TASKS, SLEEPS = 10_000, 37


async def program() -> None:
    rng = random.Random(7)

    async def worker(delays: list[float]) -> None:
        for delay in delays:
            await asyncio.sleep(delay)

    await asyncio.gather(*(worker([rng.choice((0, 0.001, 0.002)) for _ in range(SLEEPS)]) for _ in range(TASKS)))


class Host(App[None]):
    def __init__(self, model: TimelineModel) -> None:
        super().__init__()
        self.model = model

    def compose(self) -> ComposeResult:
        yield TimelineView()


async def frames(model: TimelineModel, size: tuple[int, int], count: int = 40) -> list[float]:
    app = Host(model)
    async with app.run_test(size=size) as pilot:
        view = app.query_one(TimelineView)
        view.show(model)
        await pilot.pause()
        view.action_fit()
        spent = []
        for i in range(count):
            view.view_start_ns = (i % 7) * view.ns_per_cell  # a new window each frame: no caches
            view.scroll_to(y=(i * 37) % 9000, animate=False, immediate=True)
            started = time.perf_counter()
            view.tick()
            for y in range(view.size.height):
                view.render_line(y)
            spent.append((time.perf_counter() - started) * 1000)
        return spent


def main() -> None:
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        finished = run_main(program)
    traced = time.perf_counter() - started
    record = finished.record
    events = record.event_count()
    started = time.perf_counter()
    model = TimelineModel(record, finished.run.started_ns)
    model.update()
    built = time.perf_counter() - started
    print(f"record: {len(model.tracks):,} tasks, {events:,} events in {len(record):,} rows "
          f"({record.bytes_per_event():.1f} bytes/event); traced in {traced:.1f} s, model built in {built * 1000:.0f} ms")
    for size in ((200, 50), (80, 24)):
        spent = asyncio.run(frames(model, size))
        print(f"frame at {size[0]}x{size[1]}: median {statistics.median(spent):.2f} ms, "
              f"worst {max(spent):.2f} ms over {len(spent)} frames   (target <= 10 ms)")


if __name__ == "__main__":
    main()
