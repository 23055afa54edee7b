"""Does watching in the app change what it shows? The same programs in the app and headless.

    .venv/bin/python bench/bench_ui_wall.py [--repeat N]

The program runs in the app's stage process (the app at 200x50, drawing as a person would
see it) and headless in-process, alternating, each for real. Printed side by side, with
the targets: on basic and workers the wall time within 2 % and the ready latency (how long
a woken task waits for the loop; median and p99) within 2 ms, and no step longer than
headless records; on a heavy program (2,000 tasks x 20 sleep(0.001)) the wall time at most
1.2x headless while the app still draws at least 10 frames a second.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from taskviz.app import TaskvizApp
from taskviz.catalog import find
from taskviz.model.timeline import State, TimelineModel
from taskviz.runner import run_headless

HEAVY = str(Path(__file__).parent / "programs" / "heavy.py")


@dataclass
class Figures:
    wall_s: float
    ready_median_ms: float
    ready_p99_ms: float
    longest_step_ms: float
    fps: float = 0.0


def figures(model: TimelineModel, wall_ns: int, fps: float = 0.0) -> Figures:
    ready = sorted(
        (end - start) / 1e6
        for track in model.tracks
        for start, end, state in model.intervals(track.info.id, 0, model.end_ns)
        if state is State.READY
    ) or [0.0]
    longest = model.longest_step
    step_ms = (model.step_ends[longest] - model.step_starts[longest]) / 1e6 if longest >= 0 else 0.0
    return Figures(wall_ns / 1e9, statistics.median(ready), ready[int(0.99 * (len(ready) - 1))], step_ms, fps)


def headless(name: str) -> Figures:
    with contextlib.redirect_stdout(io.StringIO()):
        finished = run_headless(find(name))
    return figures(finished.model, finished.run.wall_ns)


async def in_app(name: str) -> Figures:
    app = TaskvizApp(name, autorun=True)
    async with app.run_test(size=(200, 50)) as pilot:
        main = app.main
        frames: list[float] = []
        draw = main.frame

        def counted() -> None:
            frames.append(time.perf_counter())
            draw()

        main.frame = counted  # type: ignore[method-assign]
        if main._timer is not None:
            main._timer._callback = counted  # the interval timer holds the bound method
        while not app.session.finished:
            await pilot.pause(0.05)
        session = app.session
        assert session.model is not None
        live = [t for t in frames if frames and t <= frames[-1]]
        span = live[-1] - live[0] if len(live) > 1 else 0.0
        fps = (len(live) - 1) / span if span else 0.0
        result = figures(session.model, session.wall_ns, fps)
        await pilot.press("q")
        return result


def compare(name: str, repeat: int) -> tuple[Figures, Figures]:
    plain, shown = [], []
    for _ in range(repeat):
        plain.append(headless(name))
        shown.append(asyncio.run(in_app(name)))

    def median(runs: list[Figures]) -> Figures:
        fields = ("wall_s", "ready_median_ms", "ready_p99_ms", "longest_step_ms", "fps")
        return Figures(*(statistics.median(getattr(run, field) for run in runs) for field in fields))

    return median(plain), median(shown)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'program':<10} {'':>9} {'wall s':>8} {'ready med ms':>13} {'ready p99 ms':>13} {'longest step ms':>16} {'app fps':>8}")
    for name, label in (("basic", "basic"), ("workers", "workers"), (HEAVY, "heavy")):
        base, app = compare(name, args.repeat)
        for who, f in (("headless", base), ("app", app)):
            fps = f"{f.fps:8.1f}" if who == "app" else f"{'':>8}"
            print(f"{label:<10} {who:>9} {f.wall_s:8.3f} {f.ready_median_ms:13.2f} {f.ready_p99_ms:13.2f} {f.longest_step_ms:16.2f} {fps}")
        ratio = app.wall_s / base.wall_s
        if label == "heavy":
            verdict = f"wall {ratio:.2f}x (target <= 1.2x), app {app.fps:.1f} fps (target >= 10)"
        else:
            verdict = (f"wall {(ratio - 1) * 100:+.2f} % (target within 2 %), ready median {app.ready_median_ms - base.ready_median_ms:+.2f} ms"
                       f" / p99 {app.ready_p99_ms - base.ready_p99_ms:+.2f} ms (target within 2 ms),"
                       f" longest step {app.longest_step_ms - base.longest_step_ms:+.2f} ms")
        print(f"{label:<10} {'app/head':>9} {verdict}")


if __name__ == "__main__":
    main()
