"""A whole program under taskviz against the same program under python: the command a user types.

    .venv/bin/python bench/bench_programs.py [--repeat N]

For each program of ``tests/programs`` marked ``# timing: bench`` (its time is all task
steps, so the ratio is the instrumentation's cost), the two commands run in turn, A B A B
..., from start to exit, as a person would time them:

    python FILE
    taskviz run FILE --headless --json OUT

Printed: the median of each, their ratio, and the target of issue 10 (taskviz within 2x
python's time + 0.5 s) with whether it is met. Medians of paired runs: one slow run (the
machine doing something else) moves neither.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROGRAMS = Path(__file__).resolve().parent.parent / "tests" / "programs"
FACTOR, SLACK_S = 2.0, 0.5


def bench_timed() -> list[Path]:
    return [path for path in sorted(PROGRAMS.glob("*.py")) if b"# timing: bench" in path.read_bytes()]


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=PROGRAMS, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}; {args.repeat} paired runs each, medians")
    print(f"{'program':<24} {'python':>8} {'taskviz':>8} {'ratio':>6}  target (2x + 0.5 s)")
    met = True
    with tempfile.TemporaryDirectory() as folder:
        out = str(Path(folder) / "out.json")
        for path in bench_timed():
            plain_runs, traced_runs = [], []
            seconds([sys.executable, path.name])  # warm the file system cache for both
            for _ in range(args.repeat):
                plain_runs.append(seconds([sys.executable, path.name]))
                traced_runs.append(seconds([sys.executable, "-m", "taskviz", "run", path.name, "--headless", "--json", out]))
            plain, traced = statistics.median(plain_runs), statistics.median(traced_runs)
            limit = FACTOR * plain + SLACK_S
            ok = traced <= limit
            met &= ok
            print(f"{path.name:<24} {plain:>7.2f}s {traced:>7.2f}s {traced / plain:>5.2f}x  "
                  f"{'met' if ok else 'MISSED'} (limit {limit:.2f} s)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
