"""How long a presenter waits for the app: from the command to its first frame, in a real terminal.

    .venv/bin/python bench/bench_first_frame.py [--repeat N] [SCENARIO]

``taskviz run SCENARIO`` (default ``basic``) starts in a detached tmux session of 120x36,
as a person's terminal would run it; the pane is read every few milliseconds until the
first frame is on it (the timeline's "event loop" lane: title, timeline and source all
drawn), and until the run's first task row is drawn too (the stage has started the
program and its first rows reached the screen). The session is then killed. Printed:
median and worst of each over the repeats, against the target of issue 11 (<= 1 s).
Needs tmux (skipped without it).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_S = 1.0
WIDTH, HEIGHT = 120, 36
FIRST_FRAME = "event loop"  # the loop lane's label: the timeline is drawn
FIRST_ROW = "main"  # the program's first task has a row: the stage is streaming
GIVE_UP_S = 15.0


def _pane(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout


def one_start(taskviz: str, scenario: str) -> tuple[float, float]:
    """(seconds to the first frame, seconds to the first task row) of one start of the app."""
    session = f"taskviz-first-frame-{os.getpid()}"
    started = time.perf_counter()
    # a tmux server started earlier keeps its own environment: this one's PYTHONPATH is passed on
    path = os.environ.get("PYTHONPATH")
    command = f"env PYTHONPATH={shlex.quote(path)} {taskviz} run {scenario}" if path else f"{taskviz} run {scenario}"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", str(WIDTH), "-y", str(HEIGHT), command], check=True)
    frame_s = row_s = float("nan")
    try:
        while time.perf_counter() - started < GIVE_UP_S:
            screen = _pane(session)
            now = time.perf_counter() - started
            if FIRST_FRAME in screen and frame_s != frame_s:
                frame_s = now
            if frame_s == frame_s and any(line.split("│")[1:2] and line.split("│")[1].strip().startswith(FIRST_ROW)
                                          for line in screen.splitlines()):
                row_s = now
                break
            time.sleep(0.004)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    return frame_s, row_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="basic")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("bench_first_frame: skipped, tmux is not installed")
        return 0
    taskviz = str(Path(sys.executable).with_name("taskviz"))
    # a session of its own keeps the tmux server up between starts: killing its last session
    # stops a server, and the next start would race its shutdown
    keeper = f"taskviz-first-frame-keeper-{os.getpid()}"
    subprocess.run(["tmux", "new-session", "-d", "-s", keeper, "sleep 3600"], check=True)
    try:
        one_start(taskviz, args.scenario)  # a first start warms the disk cache, as a rehearsal would
        starts = [one_start(taskviz, args.scenario) for _ in range(args.repeat)]
    finally:
        subprocess.run(["tmux", "kill-session", "-t", keeper], capture_output=True)
    print(f"the app's first frame, `taskviz run {args.scenario}` in tmux {WIDTH}x{HEIGHT}, "
          f"Python {sys.version.split()[0]}, {args.repeat} starts:")
    for name, values in (("first frame", [frame for frame, _ in starts]), ("first task row", [row for _, row in starts])):
        print(f"  {name:<15} median {statistics.median(values):.2f} s, worst {max(values):.2f} s"
              + (f"  (target <= {TARGET_S:g} s: {'met' if statistics.median(values) <= TARGET_S else 'MISSED'})"
                 if name == "first frame" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
