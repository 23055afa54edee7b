"""What instrumentation costs, counted in instructions: steady where wall-clock ratios are not.

    .venv/bin/python bench/bench_instructions.py [--tasks N] [--items N]

bench_tracing's two programs, smaller, each run untraced and traced in a process of its own
under valgrind's cachegrind (``--cache-sim=no``: instructions only). The interpreter's
start-up and imports, counted in a process that only imports, are taken off both sides,
so the ratio is the programs' own. The stall watch is off: under valgrind time runs ~50x
slower, so its 10 ms looks would weigh ~50x what they do for real. On a shared 2-core
machine the same wall-clock ratio swings by 30 %; these counts move by under 1 %
(``PYTHONHASHSEED`` is fixed), which makes them the measure to tune the tracer by.
Instructions are not time (cache misses and branch mispredictions are not in them):
bench_tracing still says what a user sees. Needs ``valgrind`` on the PATH.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

_CHILD = """
import sys
sys.path.insert(0, {bench!r})
from bench_tracing import many_sleepers, queue_pipeline, traced, untraced
from taskviz.stage import stall
stall.StallWatch.start = lambda self: None
what, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
if what != "nothing":
    program = many_sleepers(n) if what == "sleepers" else queue_pipeline(n)
    (traced if mode == "traced" else untraced)(program)
"""


def instructions(what: str, mode: str, n: int) -> int:
    """Instructions a child process executes, start to exit, under cachegrind."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
               sys.executable, "-c", _CHILD.format(bench=str(HERE)), what, mode, str(n)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"bench_instructions: no count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=3_000, help="(a) tasks, each awaiting sleep(0) ten times")
    parser.add_argument("--items", type=int, default=10_000, help="(b) items through a Queue(maxsize=1)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("bench_instructions: valgrind is not installed (apt-get install valgrind); skipped")
        return 0
    floor = instructions("nothing", "plain", 0)
    print(f"Python {sys.version.split()[0]}: instructions, start-up and imports ({floor / 1e6:,.0f} M) taken off")
    for name, what, n in ((f"(a) {args.tasks:,} tasks x 10 sleep(0)", "sleepers", args.tasks),
                          (f"(b) Queue(maxsize=1), {args.items:,} items", "queue", args.items)):
        plain = instructions(what, "plain", n) - floor
        with_tracing = instructions(what, "traced", n) - floor
        print(f"  {name:34s} untraced {plain / 1e6:7,.0f} M   traced {with_tracing / 1e6:7,.0f} M   "
              f"ratio {with_tracing / plain:.2f}x   (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
