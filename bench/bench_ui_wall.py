"""Does the app change the timings it shows? basic's wall time with the UI running vs headless.

    .venv/bin/python bench/bench_ui_wall.py [--repeat N]

Both run for real (3 s each), alternating; the app runs headless at 200x50 with its
timer drawing 20 frames a second. Target: the UI run within 1 % of the headless one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import statistics

from taskviz.app import TaskvizApp
from taskviz.catalog import find
from taskviz.runner import run_headless


def headless() -> float:
    with contextlib.redirect_stdout(io.StringIO()):
        return run_headless(find("basic")).run.wall_ns / 1e9


async def with_ui() -> tuple[float, float]:
    app = TaskvizApp("basic", autorun=True)
    async with app.run_test(size=(200, 50)) as pilot:
        while not app.session.finished:
            await pilot.pause(0.05)
        return app.session.wall_ns / 1e9, app.main.timeline.last_frame_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    plain, ui, frames = [], [], []
    for _ in range(args.repeat):
        plain.append(headless())
        with contextlib.redirect_stdout(io.StringIO()):
            wall, frame = asyncio.run(with_ui())
        ui.append(wall)
        frames.append(frame)
    base, shown = statistics.median(plain), statistics.median(ui)
    print(f"basic headless  median {base:.4f} s   ({', '.join(f'{s:.4f}' for s in plain)})")
    print(f"basic with UI   median {shown:.4f} s   ({', '.join(f'{s:.4f}' for s in ui)})")
    print(f"difference      {(shown / base - 1) * 100:+.2f} %   (target within 1 %); last frame {statistics.median(frames):.2f} ms")


if __name__ == "__main__":
    main()
