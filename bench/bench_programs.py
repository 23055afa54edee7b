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

Then the whole command's time and peak memory on a server-like program (``bench/programs/
server_like.py``: 60,000 short request tasks through a queue and a lock) against python's,
per task, with and without ``--json`` (target: at most 1 KB a task above python), and how
long ``taskviz --help`` takes (target 0.3 s).
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


SERVER_LIKE = Path(__file__).resolve().parent / "programs" / "server_like.py"
SERVER_REQUESTS = 60_000
_PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_kb(command: list[str]) -> int:
    """The peak resident memory of ``command``'s process, in KB (a fresh parent for each, so it is its own)."""
    result = subprocess.run([sys.executable, "-c", _PEAK, *command], capture_output=True, text=True, check=True)
    return int(result.stdout.split()[-1])


def memory(out: str) -> bool:
    program = [str(SERVER_LIKE), str(SERVER_REQUESTS)]
    plain = peak_kb([sys.executable, *program])
    headless = peak_kb([sys.executable, "-m", "taskviz", "run", program[0], "--headless", "--", program[1]])
    with_json = peak_kb([sys.executable, "-m", "taskviz", "run", program[0], "--headless", "--json", out, "--", program[1]])
    print(f"\nserver-like, {SERVER_REQUESTS:,} request tasks: peak memory")
    print(f"  python {plain / 1024:.0f} MB; taskviz {headless / 1024:.0f} MB, with --json {with_json / 1024:.0f} MB")
    above = [(kb - plain) * 1024 / SERVER_REQUESTS for kb in (headless, with_json)]
    print(f"  above python, a task: {above[0]:,.0f} B, with --json {above[1]:,.0f} B   (target <= 1,024 B)")
    return max(above) <= 1024


def server_like_time(out: str, repeat: int) -> None:
    """The whole command against python on the server-like program: the run, and all a user waits
    for after it (model, findings, text timeline, JSON; ``bench_post_run.py`` times each)."""
    program = [str(SERVER_LIKE), str(SERVER_REQUESTS)]
    plain_runs, traced_runs = [], []
    for _ in range(repeat):
        plain_runs.append(seconds([sys.executable, *program]))
        traced_runs.append(seconds([sys.executable, "-m", "taskviz", "run", program[0], "--headless", "--json", out,
                                    "--", program[1]]))
    plain, traced = statistics.median(plain_runs), statistics.median(traced_runs)
    print(f"\nserver-like, {SERVER_REQUESTS:,} request tasks, the whole command with --json ({repeat} paired runs):")
    print(f"  python {plain:.2f} s, taskviz {traced:.2f} s: {traced / plain:.2f}x   (target <= 1.5x)")


def startup() -> bool:
    runs = sorted(seconds([sys.executable, "-m", "taskviz", "--help"]) for _ in range(5))
    print(f"\ntaskviz --help: {statistics.median(runs):.2f} s (median of 5; target <= 0.3 s)")
    return statistics.median(runs) <= 0.3


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
        server_like_time(out, max(3, args.repeat // 2))
        met &= memory(out)
    met &= startup()
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
